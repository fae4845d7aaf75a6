package io.hostplane.api.tokens;

import io.hostplane.common.id.Ids;
import io.hostplane.common.token.ApiTokenFormat;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Tokens in {@code api.tokens}, found by the hash of the token, never by the token. */
@Repository
public class TokenStore {

    private final DatabaseClient db;
    private final TokenHasher hasher;

    TokenStore(DatabaseClient db, TokenHasher hasher) {
        this.db = db;
        this.hasher = hasher;
    }

    /** A stored token row as far as authentication needs it. */
    public record StoredToken(
            String id, String tenant, String principal, List<String> scopes, Instant expiresAt, Instant revokedAt) {}

    /** A token just issued: the plain token exists only in this object and in the caller's response. */
    public record IssuedToken(String id, String token, String tenant, List<String> scopes) {}

    public Mono<StoredToken> findByToken(String token) {
        return db.sql(
                        "select id, tenant_id, principal, scopes, expires_at, revoked_at from api.tokens where token_hash = :hash")
                .bind("hash", hasher.hash(token))
                .map((row, meta) -> new StoredToken(
                        row.get("id", String.class),
                        row.get("tenant_id", String.class),
                        row.get("principal", String.class),
                        Arrays.asList(row.get("scopes", String[].class)),
                        toInstant(row.get("expires_at", OffsetDateTime.class)),
                        toInstant(row.get("revoked_at", OffsetDateTime.class))))
                .one();
    }

    /** Issues a token; {@code tenant} null makes a platform-operator token. */
    public Mono<IssuedToken> issue(String tenant, String principal, String description, List<String> scopes) {
        String token = ApiTokenFormat.generate();
        String id = Ids.prefixed("tok");
        DatabaseClient.GenericExecuteSpec insert = db.sql(
                        "insert into api.tokens (id, tenant_id, principal, description, token_hash, hint, scopes) "
                                + "values (:id, :tenant, :principal, :description, :hash, :hint, :scopes)")
                .bind("id", id)
                .bind("principal", principal)
                .bind("description", description)
                .bind("hash", hasher.hash(token))
                .bind("hint", ApiTokenFormat.hint(token))
                .bind("scopes", scopes.toArray(String[]::new));
        insert = tenant == null ? insert.bindNull("tenant", String.class) : insert.bind("tenant", tenant);
        return insert.then().thenReturn(new IssuedToken(id, token, tenant, List.copyOf(scopes)));
    }

    private static Instant toInstant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
