package io.hostplane.api.tokens;

import io.hostplane.common.id.Ids;
import io.hostplane.common.token.ApiTokenFormat;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Tokens in {@code api.tokens}, found by the hash of the token, never by the token. */
@Repository
public class TokenStore {

    private static final String COLUMNS =
            "id, tenant_id, principal, description, hint, scopes, expires_at, revoked_at, "
                    + "created_at, last_used_at, last_used_ip, allowed_cidrs, allowed_domains, rate_limit, rate_period_seconds, "
                    + "callback_url";

    private final DatabaseClient db;
    private final TokenHasher hasher;

    TokenStore(DatabaseClient db, TokenHasher hasher) {
        this.db = db;
        this.hasher = hasher;
    }

    /** A stored token: everything but the token. */
    public record StoredToken(
            String id,
            String tenant,
            String principal,
            String description,
            String hint,
            List<String> scopes,
            Instant expiresAt,
            Instant revokedAt,
            Instant createdAt,
            Instant lastUsedAt,
            String lastUsedIp,
            List<String> allowedCidrs,
            List<String> allowedDomains,
            Integer rateLimit,
            Integer ratePeriodSeconds,
            String callbackUrl) {

        /** Revoked once {@code revoked_at} has passed (a rotation may set it in the future, for a grace period). */
        public boolean isRevokedAt(Instant now) {
            return revokedAt != null && !revokedAt.isAfter(now);
        }

        public boolean isExpiredAt(Instant now) {
            return expiresAt != null && !expiresAt.isAfter(now);
        }
    }

    /** What a new token may do. */
    public record TokenSpec(
            String tenant,
            String principal,
            String description,
            List<String> scopes,
            Instant expiresAt,
            List<String> allowedCidrs,
            List<String> allowedDomains,
            Integer rateLimit,
            Integer ratePeriodSeconds,
            String callbackUrl) {

        public static TokenSpec simple(String tenant, String principal, String description, List<String> scopes) {
            return new TokenSpec(tenant, principal, description, scopes, null, List.of(), List.of(), null, null, null);
        }
    }

    /** A token just issued: the plain token exists only in this object and in the caller's response. */
    public record IssuedToken(String id, String token, StoredToken stored) {}

    /** The token whose stored hash is {@code hash} (see {@link TokenHasher}). */
    public Mono<StoredToken> findByHash(byte[] hash) {
        return db.sql("select " + COLUMNS + " from api.tokens where token_hash = :hash")
                .bind("hash", hash)
                .map((row, meta) -> stored(row))
                .one();
    }

    public Mono<StoredToken> findById(String id) {
        return db.sql("select " + COLUMNS + " from api.tokens where id = :id")
                .bind("id", id)
                .map((row, meta) -> stored(row))
                .one();
    }

    /** Tokens of a tenant (or all, for {@code tenant} null), oldest first, after the id {@code after}. */
    public Flux<StoredToken> list(String tenant, String after, int limit) {
        String sql = "select " + COLUMNS + " from api.tokens where true"
                + (tenant == null ? "" : " and tenant_id = :tenant")
                + (after == null ? "" : " and id > :after")
                + " order by id limit :limit";
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql).bind("limit", limit);
        if (tenant != null) {
            spec = spec.bind("tenant", tenant);
        }
        if (after != null) {
            spec = spec.bind("after", after);
        }
        return spec.map((row, meta) -> stored(row)).all();
    }

    /** Issues a token; a spec without tenant makes a platform-operator token. */
    public Mono<IssuedToken> issue(TokenSpec spec) {
        return issue(spec, null);
    }

    Mono<IssuedToken> issue(TokenSpec spec, String rotatedFrom) {
        return issue(spec, rotatedFrom, null);
    }

    /**
     * Issues a token through the OAuth device flow (kind {@code oauth}), remembering the user who approved it
     * and the request; {@code rotatedFrom} names the token a refresh replaces.
     */
    public Mono<IssuedToken> issueOAuth(TokenSpec spec, String rotatedFrom, OAuthLink link) {
        return issue(spec, rotatedFrom, link);
    }

    /** How an OAuth token came to be: the approving user and the device-flow request. */
    public record OAuthLink(String userId, String requestId) {}

    /** The OAuth link of a token, or empty for an ordinary API token. */
    public Mono<OAuthLink> oauthLink(String tokenId) {
        return db.sql("select user_id, oauth_request_id from api.tokens where id = :id and kind = 'oauth'")
                .bind("id", tokenId)
                .map((row, meta) ->
                        new OAuthLink(row.get("user_id", String.class), row.get("oauth_request_id", String.class)))
                .one();
    }

    /** Revokes every token a user approved (when the user is deleted); returns how many. */
    public Mono<Long> revokeAllOfUser(String userId, Instant at) {
        return db.sql(
                        "update api.tokens set revoked_at = :at where user_id = :user and (revoked_at is null or revoked_at > :at)")
                .bind("user", userId)
                .bind("at", at.atOffset(ZoneOffset.UTC))
                .fetch()
                .rowsUpdated();
    }

    private Mono<IssuedToken> issue(TokenSpec spec, String rotatedFrom, OAuthLink link) {
        String token = ApiTokenFormat.generate();
        String id = Ids.prefixed("tok");
        DatabaseClient.GenericExecuteSpec insert = db.sql(
                        "insert into api.tokens (id, tenant_id, principal, description, token_hash, hint, scopes, expires_at, "
                                + "allowed_cidrs, allowed_domains, rate_limit, rate_period_seconds, rotated_from, kind, user_id, "
                                + "oauth_request_id, callback_url) values "
                                + "(:id, :tenant, :principal, :description, :hash, :hint, :scopes, :expires, :cidrs, :domains, "
                                + ":limit, :period, :from, :kind, :user, :request, :callback)")
                .bind("kind", link == null ? "api" : "oauth")
                .bind("id", id)
                .bind("principal", spec.principal())
                .bind("hash", hasher.hash(token))
                .bind("hint", ApiTokenFormat.hint(token))
                .bind("scopes", spec.scopes().toArray(String[]::new))
                .bind("cidrs", spec.allowedCidrs().toArray(String[]::new))
                .bind("domains", spec.allowedDomains().toArray(String[]::new));
        insert = bindOrNull(insert, "tenant", spec.tenant(), String.class);
        insert = bindOrNull(insert, "description", spec.description(), String.class);
        insert = bindOrNull(
                insert,
                "expires",
                spec.expiresAt() == null ? null : spec.expiresAt().atOffset(ZoneOffset.UTC),
                OffsetDateTime.class);
        insert = bindOrNull(insert, "limit", spec.rateLimit(), Integer.class);
        insert = bindOrNull(insert, "period", spec.ratePeriodSeconds(), Integer.class);
        insert = bindOrNull(insert, "from", rotatedFrom, String.class);
        insert = bindOrNull(insert, "callback", spec.callbackUrl(), String.class);
        insert = bindOrNull(insert, "user", link == null ? null : link.userId(), String.class);
        insert = bindOrNull(insert, "request", link == null ? null : link.requestId(), String.class);
        return insert.then().then(findById(id)).map(stored -> new IssuedToken(id, token, stored));
    }

    /** Sets {@code revoked_at} to {@code at} unless the token is already revoked earlier; returns the token. */
    public Mono<StoredToken> revoke(String id, Instant at) {
        return db.sql("update api.tokens set revoked_at = least(coalesce(revoked_at, :at), :at) where id = :id")
                .bind("id", id)
                .bind("at", at.atOffset(ZoneOffset.UTC))
                .then()
                .then(findById(id));
    }

    /** Records when and from where tokens were last used (called in batches, not per request). */
    Mono<Void> markUsed(String id, Instant at, String ip) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("update api.tokens set last_used_at = :at, last_used_ip = :ip "
                        + "where id = :id and (last_used_at is null or last_used_at < :at)")
                .bind("id", id)
                .bind("at", at.atOffset(ZoneOffset.UTC));
        return bindOrNull(spec, "ip", ip, String.class).then();
    }

    private static <T> DatabaseClient.GenericExecuteSpec bindOrNull(
            DatabaseClient.GenericExecuteSpec spec, String name, T value, Class<T> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }

    private static StoredToken stored(Readable row) {
        return new StoredToken(
                row.get("id", String.class),
                row.get("tenant_id", String.class),
                row.get("principal", String.class),
                row.get("description", String.class),
                row.get("hint", String.class),
                Arrays.asList(row.get("scopes", String[].class)),
                toInstant(row.get("expires_at", OffsetDateTime.class)),
                toInstant(row.get("revoked_at", OffsetDateTime.class)),
                toInstant(row.get("created_at", OffsetDateTime.class)),
                toInstant(row.get("last_used_at", OffsetDateTime.class)),
                row.get("last_used_ip", String.class),
                Arrays.asList(row.get("allowed_cidrs", String[].class)),
                Arrays.asList(row.get("allowed_domains", String[].class)),
                row.get("rate_limit", Integer.class),
                row.get("rate_period_seconds", Integer.class),
                row.get("callback_url", String.class));
    }

    private static Instant toInstant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
