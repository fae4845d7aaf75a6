package io.hostplane.api.users;

import io.hostplane.common.id.Ids;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Users in {@code api.users}. The password hash is read only by {@link #findForSignIn}. */
@Repository
public class UserStore {

    private static final String COLUMNS = "id, tenant_id, username, scopes, created_at, max_expires_at, allowed_cidrs, "
            + "allowed_domains, rate_limit, rate_period_seconds";

    private final DatabaseClient db;

    UserStore(DatabaseClient db) {
        this.db = db;
    }

    /** A user as the API shows it: never the password hash. */
    public record User(
            String id, String tenant, String username, List<String> scopes, Instant createdAt, Restrictions limits) {}

    /**
     * What an OAuth token this user approves is held to besides scopes, copied from the token that created the
     * user: the token never expires later, reaches other networks or domains, or has a higher rate limit (null:
     * no such ceiling).
     */
    public record Restrictions(
            Instant maxExpiresAt,
            List<String> allowedCidrs,
            List<String> allowedDomains,
            Integer rateLimit,
            Integer ratePeriodSeconds) {}

    /** A user with the stored password hash, for checking a sign-in. */
    public record Credentials(User user, String passwordHash) {}

    Mono<User> create(
            String tenant,
            String username,
            String passwordHash,
            List<String> scopes,
            String createdBy,
            Restrictions limits) {
        String id = Ids.prefixed("usr");
        return db.sql("insert into api.users (id, tenant_id, username, password_hash, scopes, created_by, "
                        + "max_expires_at, allowed_cidrs, allowed_domains, rate_limit, rate_period_seconds) "
                        + "values (:id, :tenant, :username, :hash, :scopes, :by, :expires, :cidrs, :domains, :rate, "
                        + ":period)")
                .bind(
                        "expires",
                        Parameter.fromOrEmpty(
                                limits.maxExpiresAt() == null
                                        ? null
                                        : OffsetDateTime.ofInstant(limits.maxExpiresAt(), ZoneOffset.UTC),
                                OffsetDateTime.class))
                .bind("cidrs", limits.allowedCidrs().toArray(String[]::new))
                .bind("domains", limits.allowedDomains().toArray(String[]::new))
                .bind("rate", Parameter.fromOrEmpty(limits.rateLimit(), Integer.class))
                .bind("period", Parameter.fromOrEmpty(limits.ratePeriodSeconds(), Integer.class))
                .bind("id", id)
                .bind("tenant", tenant)
                .bind("username", username)
                .bind("hash", passwordHash)
                .bind("scopes", scopes.toArray(String[]::new))
                .bind("by", createdBy)
                .then()
                .then(findById(id));
    }

    public Mono<User> findById(String id) {
        return db.sql("select " + COLUMNS + " from api.users where id = :id")
                .bind("id", id)
                .map((row, meta) -> user(row))
                .one();
    }

    public Mono<Credentials> findForSignIn(String username) {
        return db.sql("select " + COLUMNS + ", password_hash from api.users where username = :username")
                .bind("username", username)
                .map((row, meta) -> new Credentials(user(row), row.get("password_hash", String.class)))
                .one();
    }

    Mono<Boolean> usernameTaken(String username) {
        return db.sql("select 1 from api.users where username = :username")
                .bind("username", username)
                .map((row, meta) -> true)
                .one()
                .defaultIfEmpty(false);
    }

    /** Users of a tenant (all for {@code tenant} null), in id order after {@code after}. */
    Flux<User> list(String tenant, String after, int limit) {
        String sql = "select " + COLUMNS + " from api.users where true"
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
        return spec.map((row, meta) -> user(row)).all();
    }

    Mono<Void> delete(String id) {
        return db.sql("delete from api.users where id = :id").bind("id", id).then();
    }

    private static User user(Readable row) {
        OffsetDateTime created = row.get("created_at", OffsetDateTime.class);
        OffsetDateTime maxExpires = row.get("max_expires_at", OffsetDateTime.class);
        return new User(
                row.get("id", String.class),
                row.get("tenant_id", String.class),
                row.get("username", String.class),
                Arrays.asList(row.get("scopes", String[].class)),
                created == null ? null : created.toInstant(),
                new Restrictions(
                        maxExpires == null ? null : maxExpires.toInstant(),
                        Arrays.asList(row.get("allowed_cidrs", String[].class)),
                        Arrays.asList(row.get("allowed_domains", String[].class)),
                        row.get("rate_limit", Integer.class),
                        row.get("rate_period_seconds", Integer.class)));
    }
}
