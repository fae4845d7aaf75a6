package io.hostplane.api.oauth;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Device-flow requests in {@code api.oauth_requests}, found by id (the user's link) or verify-token hash. */
@Repository
class OAuthRequestStore {

    private static final String COLUMNS = "id, app_name, app_url_homepage, app_url_return, scopes, status, "
            + "interval_seconds, created_at, expires_at, user_id, tenant_id, token_id";

    private final DatabaseClient db;

    OAuthRequestStore(DatabaseClient db) {
        this.db = db;
    }

    /** A request as stored; {@code status} is pending, approved or denied (expiry is read off {@code expiresAt}). */
    record OAuthRequest(
            String id,
            String appName,
            String homepage,
            String returnUrl,
            List<String> scopes,
            String status,
            int intervalSeconds,
            Instant createdAt,
            Instant expiresAt,
            String userId,
            String tenant,
            String tokenId) {

        boolean isExpiredAt(Instant now) {
            return !expiresAt.isAfter(now)
                    && !(status.equals("approved") && tokenId != null)
                    && !status.equals("denied");
        }

        boolean isPending() {
            return status.equals("pending");
        }
    }

    /** One poll: the request after the poll, and whether it came sooner than the interval allowed. */
    record Poll(OAuthRequest request, boolean tooSoon) {}

    Mono<OAuthRequest> create(
            String id,
            byte[] verifyHash,
            String appName,
            String homepage,
            String returnUrl,
            List<String> scopes,
            int intervalSeconds,
            Instant expiresAt,
            String clientIp) {
        DatabaseClient.GenericExecuteSpec insert = db.sql("insert into api.oauth_requests (id, verify_token_hash, "
                        + "app_name, app_url_homepage, app_url_return, scopes, interval_seconds, expires_at, client_ip) "
                        + "values (:id, :hash, :app, :home, :return, :scopes, :interval, :expires, :ip)")
                .bind("id", id)
                .bind("hash", verifyHash)
                .bind("app", appName)
                .bind("scopes", scopes.toArray(String[]::new))
                .bind("interval", intervalSeconds)
                .bind("expires", expiresAt.atOffset(ZoneOffset.UTC))
                .bind("ip", clientIp);
        insert = homepage == null ? insert.bindNull("home", String.class) : insert.bind("home", homepage);
        insert = returnUrl == null ? insert.bindNull("return", String.class) : insert.bind("return", returnUrl);
        return insert.then().then(findById(id));
    }

    Mono<OAuthRequest> findById(String id) {
        return db.sql("select " + COLUMNS + " from api.oauth_requests where id = :id")
                .bind("id", id)
                .map((row, meta) -> request(row))
                .one();
    }

    /**
     * Records a poll atomically (so that polls spread over several replicas are judged together): a poll
     * sooner than the interval after the previous one is {@code tooSoon} and adds 5 s to the interval, at most
     * 300 s, as RFC 8628's {@code slow_down} does.
     */
    Mono<Poll> poll(byte[] verifyHash) {
        return db.sql("with previous as (select id, last_poll_at, interval_seconds from api.oauth_requests "
                        + "where verify_token_hash = :hash for update), "
                        + "judged as (select id, last_poll_at is not null and last_poll_at "
                        + "> clock_timestamp() - make_interval(secs => interval_seconds) as too_soon from previous) "
                        + "update api.oauth_requests r set last_poll_at = clock_timestamp(), interval_seconds = "
                        + "case when judged.too_soon then least(r.interval_seconds + 5, 300) else r.interval_seconds end "
                        + "from judged where r.id = judged.id returning r.id, r.app_name, r.app_url_homepage, "
                        + "r.app_url_return, r.scopes, r.status, r.interval_seconds, r.created_at, r.expires_at, "
                        + "r.user_id, r.tenant_id, r.token_id, judged.too_soon")
                .bind("hash", verifyHash)
                .map((row, meta) -> new Poll(request(row), Boolean.TRUE.equals(row.get("too_soon", Boolean.class))))
                .one();
    }

    /** Approves or denies a pending, unexpired request; false when it was not pending any more. */
    Mono<Boolean> decide(String id, String status, String userId, String tenant) {
        return db.sql("update api.oauth_requests set status = :status, user_id = :user, tenant_id = :tenant, "
                        + "decided_at = now() where id = :id and status = 'pending' and expires_at > now()")
                .bind("id", id)
                .bind("status", status)
                .bind("user", userId)
                .bind("tenant", tenant)
                .fetch()
                .rowsUpdated()
                .map(n -> n == 1);
    }

    /** Marks the approved request's token as handed out; false when an earlier poll already collected it. */
    Mono<Boolean> markCollected(String id, String tokenId) {
        return db.sql("update api.oauth_requests set token_id = :token where id = :id and status = 'approved' "
                        + "and token_id is null and expires_at > now()")
                .bind("id", id)
                .bind("token", tokenId)
                .fetch()
                .rowsUpdated()
                .map(n -> n == 1);
    }

    private static OAuthRequest request(Readable row) {
        return new OAuthRequest(
                row.get("id", String.class),
                row.get("app_name", String.class),
                row.get("app_url_homepage", String.class),
                row.get("app_url_return", String.class),
                Arrays.asList(row.get("scopes", String[].class)),
                row.get("status", String.class),
                row.get("interval_seconds", Integer.class),
                row.get("created_at", OffsetDateTime.class).toInstant(),
                row.get("expires_at", OffsetDateTime.class).toInstant(),
                row.get("user_id", String.class),
                row.get("tenant_id", String.class),
                row.get("token_id", String.class));
    }
}
