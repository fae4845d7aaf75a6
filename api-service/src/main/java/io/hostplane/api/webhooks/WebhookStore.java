package io.hostplane.api.webhooks;

import io.hostplane.api.callbacks.OutboundHttp;
import io.r2dbc.spi.Readable;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Subscriptions ({@code api.webhooks}), their sealed secrets ({@code api.webhook_secrets}), the events they wanted
 * ({@code api.webhook_events}), deliveries and attempts ({@code api.webhook_deliveries}, {@code
 * api.webhook_delivery_attempts}) and the daily runs ({@code api.daily_runs}). Events are made set-based: one
 * statement makes the events of a whole batch of causes and a delivery for each subscription that wants one.
 */
@Repository
class WebhookStore {

    /** A subscription as stored. {@link #toString()} never shows the URL. */
    record Stored(
            UUID id,
            String tenant,
            String url,
            List<String> events,
            String description,
            String status,
            String disabledReason,
            Instant disabledAt,
            Instant failingSince,
            String createdBy,
            Instant createdAt,
            Instant updatedAt) {

        @Override
        public String toString() {
            return "Stored[id=" + id + ", tenant=" + tenant + ", events=" + events + ", status=" + status + "]";
        }
    }

    /** A stored secret: {@code replacedAt} null for the current one. */
    record Secret(String id, byte[] sealed, Instant createdAt, Instant replacedAt) {
        @Override
        public String toString() {
            return "Secret[id=" + id + ", createdAt=" + createdAt + "]";
        }
    }

    /** A delivery due now, claimed by this replica until its lease ends. */
    record Due(
            UUID deliveryId,
            UUID webhookId,
            String tenant,
            String url,
            UUID eventId,
            String eventType,
            UUID jobId,
            String data,
            Instant eventCreatedAt,
            int attempts) {
        @Override
        public String toString() {
            return "Due[delivery=" + deliveryId + ", webhook=" + webhookId + ", event=" + eventId + "]";
        }
    }

    /** A delivery as {@code GET /webhooks/{id}/deliveries} shows it. */
    record Delivery(
            UUID id,
            UUID eventId,
            String eventType,
            UUID redeliveryOf,
            String state,
            int attempts,
            Instant nextAttemptAt,
            Instant createdAt,
            Instant finishedAt) {}

    record Attempt(
            UUID deliveryId,
            int attempt,
            Instant at,
            Integer statusCode,
            String error,
            int durationMs,
            String responseExcerpt) {}

    private static final String COLUMNS = "id, tenant_id, url, events, description, status, disabled_reason, "
            + "disabled_at, failing_since, created_by, created_at, updated_at";

    /** Events and the subscriptions that want them: {@code keys} overlaps a subscription's {@code events}. */
    private static final String FAN_OUT = ", wanted as (select src.*, gen_random_uuid() as event_id from src "
            + "where exists (select 1 from api.webhooks w where w.tenant_id = src.tenant_id "
            + "and w.status = 'enabled' and w.events && src.keys)), "
            + "made as (insert into api.webhook_events (id, tenant_id, type, source, job_id, data) "
            + "select event_id, tenant_id, type, source, job_id, data from wanted on conflict (source) do nothing "
            + "returning id) "
            + "insert into api.webhook_deliveries (id, webhook_id, event_id) "
            + "select gen_random_uuid(), w.id, wanted.event_id from wanted join made on made.id = wanted.event_id "
            + "join api.webhooks w on w.tenant_id = wanted.tenant_id and w.status = 'enabled' "
            + "and w.events && wanted.keys";

    private final DatabaseClient db;

    WebhookStore(DatabaseClient db) {
        this.db = db;
    }

    // Subscriptions

    Mono<Stored> find(UUID id) {
        return db.sql("select " + COLUMNS + " from api.webhooks where id = :id")
                .bind("id", id)
                .map((row, meta) -> stored(row))
                .one();
    }

    /** Oldest first after {@code after}. */
    Flux<Stored> list(String tenant, UUID after, int limit) {
        DatabaseClient.GenericExecuteSpec spec = db.sql("select " + COLUMNS + " from api.webhooks where tenant_id = "
                        + ":tenant" + (after == null ? "" : " and id > :after") + " order by id limit :limit")
                .bind("tenant", tenant)
                .bind("limit", limit);
        if (after != null) {
            spec = spec.bind("after", after);
        }
        return spec.map((row, meta) -> stored(row)).all();
    }

    /**
     * Inserts the subscription and its first secret unless its tenant has {@code max} already; false when the cap
     * held. Runs in the caller's transaction after a lock on the tenant's subscriptions, so two creations take turns
     * and the cap holds exactly.
     */
    Mono<Boolean> insertWithin(Stored s, String secretId, byte[] sealed, int max) {
        return db.sql("select pg_advisory_xact_lock(hashtext('webhooks:' || :tenant))")
                .bind("tenant", s.tenant())
                .then()
                .then(bindNullable(
                                bindNullable(
                                        db.sql(
                                                        "with w as (insert into api.webhooks (id, tenant_id, url, events, description, "
                                                                + "created_by) select :id, :tenant, :url, :events, :description, "
                                                                + ":createdBy where (select count(*) from api.webhooks where "
                                                                + "tenant_id = :tenant) < :max returning id) "
                                                                + "insert into api.webhook_secrets (id, webhook_id, secret_sealed) "
                                                                + "select :secretId, id, :sealed from w")
                                                .bind("id", s.id())
                                                .bind("tenant", s.tenant())
                                                .bind("url", s.url())
                                                .bind("events", s.events().toArray(String[]::new))
                                                .bind("max", max)
                                                .bind("secretId", secretId)
                                                .bind("sealed", ByteBuffer.wrap(sealed)),
                                        "description",
                                        s.description()),
                                "createdBy",
                                s.createdBy())
                        .fetch()
                        .rowsUpdated()
                        .map(n -> n == 1));
    }

    /**
     * Replaces URL, events and description; {@code status} enabled clears a disabling and the failing streak,
     * disabled by a token records {@code reason}.
     */
    Mono<Void> update(UUID id, String url, List<String> events, String description, String status, String reason) {
        String sql = "update api.webhooks set url = :url, events = :events, description = :description, "
                + "updated_at = now(), "
                + (WebhookSpec.ENABLED.equals(status)
                        ? "status = 'enabled', disabled_reason = null, disabled_at = null, failing_since = null "
                        : "disabled_reason = case when status = 'enabled' then :reason else disabled_reason end, "
                                + "disabled_at = case when status = 'enabled' then now() else disabled_at end, "
                                + "status = 'disabled' ")
                + "where id = :id";
        DatabaseClient.GenericExecuteSpec spec =
                db.sql(sql).bind("id", id).bind("url", url).bind("events", events.toArray(String[]::new));
        spec = bindNullable(spec, "description", description);
        if (!WebhookSpec.ENABLED.equals(status)) {
            spec = spec.bind("reason", reason);
        }
        return spec.then();
    }

    Mono<Void> delete(UUID id) {
        return db.sql("delete from api.webhooks where id = :id").bind("id", id).then();
    }

    // Secrets

    /** The secrets that sign now: the current one and those replaced within {@code overlap}, newest first. */
    Flux<Secret> secretsInForce(UUID webhookId, Duration overlap) {
        return db.sql("select id, secret_sealed, created_at, replaced_at from api.webhook_secrets "
                        + "where webhook_id = :id and (replaced_at is null "
                        + "or replaced_at > now() - :overlapMillis * interval '1 millisecond') "
                        + "order by replaced_at is not null, created_at desc")
                .bind("id", webhookId)
                .bind("overlapMillis", overlap.toMillis())
                .map((row, meta) -> new Secret(
                        row.get("id", String.class),
                        bytes(row.get("secret_sealed", ByteBuffer.class)),
                        instant(row.get("created_at", OffsetDateTime.class)),
                        instant(row.get("replaced_at", OffsetDateTime.class))))
                .all();
    }

    /** A subscription's current secret by id and creation time: what {@code GET} shows of it. */
    record CurrentSecret(UUID webhookId, String id, Instant createdAt) {}

    Flux<CurrentSecret> currentSecrets(List<UUID> webhookIds) {
        return db.sql("select webhook_id, id, created_at from api.webhook_secrets "
                        + "where webhook_id = any(:ids) and replaced_at is null")
                .bind("ids", webhookIds.toArray(UUID[]::new))
                .map((row, meta) -> new CurrentSecret(
                        row.get("webhook_id", UUID.class),
                        row.get("id", String.class),
                        instant(row.get("created_at", OffsetDateTime.class))))
                .all();
    }

    /** Makes {@code id} the current secret; the one before it is replaced now. In the caller's transaction. */
    Mono<Instant> rotateSecret(UUID webhookId, String id, byte[] sealed) {
        return db.sql("update api.webhook_secrets set replaced_at = now() "
                        + "where webhook_id = :webhook and replaced_at is null")
                .bind("webhook", webhookId)
                .then()
                .then(db.sql("insert into api.webhook_secrets (id, webhook_id, secret_sealed) "
                                + "values (:id, :webhook, :sealed) returning created_at")
                        .bind("id", id)
                        .bind("webhook", webhookId)
                        .bind("sealed", ByteBuffer.wrap(sealed))
                        .map((row, meta) -> instant(row.get("created_at", OffsetDateTime.class)))
                        .one());
    }

    // Events

    /**
     * The events of jobs that ended ({@code job.succeeded}, {@code job.failed}, {@code job.cancelled}, and {@code
     * audit.replay.finished} for a replay), with their deliveries, for the subscriptions that want them: one
     * statement for the whole batch, which makes nothing when no subscription wants any of them.
     */
    Mono<Void> jobsEnded(List<UUID> jobIds) {
        return db.sql("with src as ("
                        + "select j.tenant_id, 'job.' || j.status as type, 'job:' || j.id || ':' || j.status as source, "
                        + "j.id as job_id, null::jsonb as data, "
                        + "array['*', 'job.' || j.status, 'job.' || j.status || ':' || j.type] as keys "
                        + "from api.job_states j where j.id = any(:ids) "
                        + "and j.status in ('succeeded', 'failed', 'cancelled') "
                        + "union all "
                        + "select j.tenant_id, 'audit.replay.finished', 'audit.replay.finished:' || j.id, j.id, null, "
                        + "array['*', 'audit.replay.finished'] "
                        + "from api.job_states j where j.id = any(:ids) and j.type = 'audit.replay' "
                        + "and j.status in ('succeeded', 'failed', 'cancelled'))"
                        + FAN_OUT)
                .bind("ids", jobIds.toArray(UUID[]::new))
                .then();
    }

    /** One event of {@code type} for the tenant's subscriptions that want it; nothing when none does. */
    Mono<Void> publish(String tenant, String type, String source, String dataJson) {
        return db.sql("with src as (select cast(:tenant as text) as tenant_id, cast(:type as text) as type, "
                        + "cast(:source as text) as source, null::uuid as job_id, cast(:data as jsonb) as data, "
                        + "array['*', cast(:type as text)] as keys)"
                        + FAN_OUT)
                .bind("tenant", tenant)
                .bind("type", type)
                .bind("source", source)
                .bind("data", dataJson)
                .then();
    }

    /**
     * Today's {@code ssl.expiring} events: one per installed certificate expiring within {@code within}, per UTC
     * {@code day}, however many replicas run this. Returns how many deliveries were made.
     */
    Mono<Long> sslExpiring(Duration within, LocalDate day) {
        return db.sql("with src as (select c.tenant_id, 'ssl.expiring' as type, "
                        + "'ssl.expiring:' || c.id || ':' || cast(:day as text) as source, null::uuid as job_id, "
                        + "jsonb_build_object('certificate', jsonb_build_object('id', c.id, 'domain', c.domain, "
                        + "'not_after', to_char(c.not_after at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                        + "'fingerprint_sha256', c.fingerprint_sha256, "
                        + "'days_left', floor(extract(epoch from c.not_after - now()) / 86400)::int)) as data, "
                        + "array['*', 'ssl.expiring'] as keys "
                        + "from api.certificate_expiries c where c.status = 'installed' and c.not_after > now() "
                        + "and c.not_after <= now() + :withinMillis * interval '1 millisecond')"
                        + FAN_OUT)
                .bind("day", day.toString())
                .bind("withinMillis", within.toMillis())
                .fetch()
                .rowsUpdated();
    }

    /** Today's {@code token.expiring} events: one per live tenant token expiring within {@code within}, per day. */
    Mono<Long> tokensExpiring(Duration within, LocalDate day) {
        return db.sql("with src as (select t.tenant_id, 'token.expiring' as type, "
                        + "'token.expiring:' || t.id || ':' || cast(:day as text) as source, null::uuid as job_id, "
                        + "jsonb_build_object('token', jsonb_build_object('id', t.id, 'description', t.description, "
                        + "'expires_at', to_char(t.expires_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                        + "'days_left', floor(extract(epoch from t.expires_at - now()) / 86400)::int)) as data, "
                        + "array['*', 'token.expiring'] as keys "
                        + "from api.token_expiries t where t.tenant_id is not null and t.revoked_at is null "
                        + "and t.expires_at > now() and t.expires_at <= now() + :withinMillis * interval '1 millisecond')"
                        + FAN_OUT)
                .bind("day", day.toString())
                .bind("withinMillis", within.toMillis())
                .fetch()
                .rowsUpdated();
    }

    /** A {@code webhook.test} event delivered to {@code webhookId} only; returns the delivery's id. */
    Mono<UUID> test(Stored webhook, UUID eventId, UUID deliveryId, String dataJson) {
        return db.sql("insert into api.webhook_events (id, tenant_id, type, source, data) "
                        + "values (:event, :tenant, :type, :source, cast(:data as jsonb))")
                .bind("event", eventId)
                .bind("tenant", webhook.tenant())
                .bind("type", WebhookSpec.TEST)
                .bind("source", "webhook.test:" + eventId)
                .bind("data", dataJson)
                .then()
                .then(db.sql("insert into api.webhook_deliveries (id, webhook_id, event_id) "
                                + "values (:id, :webhook, :event)")
                        .bind("id", deliveryId)
                        .bind("webhook", webhook.id())
                        .bind("event", eventId)
                        .then())
                .thenReturn(deliveryId);
    }

    /** A new delivery of the event {@code deliveryId} carried; empty when that delivery is not this webhook's. */
    Mono<UUID> redeliver(UUID webhookId, UUID deliveryId, UUID newId) {
        return db.sql("insert into api.webhook_deliveries (id, webhook_id, event_id, redelivery_of) "
                        + "select :new, webhook_id, event_id, id from api.webhook_deliveries "
                        + "where id = :delivery and webhook_id = :webhook returning id")
                .bind("new", newId)
                .bind("delivery", deliveryId)
                .bind("webhook", webhookId)
                .map((row, meta) -> row.get("id", UUID.class))
                .one();
    }

    /** Deletes events (with their deliveries and attempts) made before {@code before}. */
    Mono<Long> deleteEventsBefore(Instant before) {
        return db.sql("delete from api.webhook_events where created_at < :before")
                .bind("before", before.atOffset(ZoneOffset.UTC))
                .fetch()
                .rowsUpdated();
    }

    // Deliveries

    /**
     * Claims up to {@code limit} due deliveries of enabled subscriptions for {@code lease}, at most {@code
     * perWebhook} in flight per subscription (counting the leases other replicas hold), so that one slow endpoint
     * cannot take every slot. Replicas never claim the same delivery.
     */
    Flux<Due> claimDue(int limit, int perWebhook, Duration lease) {
        return db.sql("with candidates as (select d.id, d.webhook_id, d.next_attempt_at from api.webhook_deliveries d "
                        + "join api.webhooks w on w.id = d.webhook_id and w.status = 'enabled' "
                        + "where d.state = 'pending' and d.next_attempt_at <= now() "
                        + "and (d.lease_until is null or d.lease_until < now()) "
                        + "order by d.next_attempt_at limit :scan for update of d skip locked), "
                        + "ranked as (select c.id, c.next_attempt_at, row_number() over (partition by c.webhook_id "
                        + "order by c.next_attempt_at) + (select count(*) from api.webhook_deliveries l "
                        + "where l.webhook_id = c.webhook_id and l.state = 'pending' and l.lease_until >= now()) "
                        + "as n from candidates c), "
                        + "chosen as (select id from ranked where n <= :perWebhook order by next_attempt_at "
                        + "limit :limit), "
                        + "leased as (update api.webhook_deliveries d set lease_until = now() + "
                        + "make_interval(secs => :lease) from chosen where d.id = chosen.id "
                        + "returning d.id, d.webhook_id, d.event_id, d.attempts) "
                        + "select l.id, l.webhook_id, w.tenant_id, w.url, l.event_id, e.type, e.job_id, "
                        + "e.data::text as data, e.created_at, l.attempts from leased l "
                        + "join api.webhooks w on w.id = l.webhook_id join api.webhook_events e on e.id = l.event_id")
                .bind("scan", limit * 4)
                .bind("limit", limit)
                .bind("perWebhook", perWebhook)
                .bind("lease", (double) lease.toMillis() / 1000)
                .map((row, meta) -> new Due(
                        row.get("id", UUID.class),
                        row.get("webhook_id", UUID.class),
                        row.get("tenant_id", String.class),
                        row.get("url", String.class),
                        row.get("event_id", UUID.class),
                        row.get("type", String.class),
                        row.get("job_id", UUID.class),
                        row.get("data", String.class),
                        instant(row.get("created_at", OffsetDateTime.class)),
                        row.get("attempts", Integer.class)))
                .all();
    }

    /**
     * Records one attempt and its consequence for the delivery ({@code delivered}, {@code failed}, or pending again
     * at {@code next}) and for the subscription: a delivered attempt ends its failing streak; a failed one starts
     * it, and one failing for {@code disableAfter} disables the subscription. Returns true when this attempt
     * disabled it. Runs in the caller's transaction.
     */
    Mono<Boolean> recordAttempt(
            Due due,
            int attempt,
            OutboundHttp.Answer answer,
            int durationMs,
            String state,
            Instant next,
            Duration disableAfter,
            String disableReason) {
        DatabaseClient.GenericExecuteSpec insert = db.sql("insert into api.webhook_delivery_attempts "
                        + "(delivery_id, attempt, status_code, error, duration_ms, response_excerpt) "
                        + "values (:id, :attempt, :code, :error, :ms, :excerpt) on conflict do nothing")
                .bind("id", due.deliveryId())
                .bind("attempt", attempt)
                .bind("ms", durationMs);
        insert =
                answer.status() == null ? insert.bindNull("code", Integer.class) : insert.bind("code", answer.status());
        insert = bindNullable(insert, "error", answer.error());
        insert = bindNullable(insert, "excerpt", answer.excerpt());
        Mono<Void> delivery = db.sql("update api.webhook_deliveries set attempts = :attempt, state = :state, "
                        + "lease_until = null, next_attempt_at = :next, "
                        + "finished_at = case when :state = 'pending' then null else now() end where id = :id")
                .bind("id", due.deliveryId())
                .bind("attempt", attempt)
                .bind("state", state)
                .bind("next", next.atOffset(ZoneOffset.UTC))
                .then();
        Mono<Boolean> webhook = state.equals("delivered")
                ? db.sql("update api.webhooks set failing_since = null where id = :id and failing_since is not null")
                        .bind("id", due.webhookId())
                        .then()
                        .thenReturn(false)
                : db.sql("with old as (select id, status from api.webhooks where id = :id for update), "
                                + "changed as (update api.webhooks w set failing_since = coalesce(w.failing_since, now()), "
                                + "status = case when w.failing_since <= now() - :afterMillis * interval '1 millisecond' "
                                + "then 'disabled' else w.status end, "
                                + "disabled_reason = case when w.status = 'enabled' and w.failing_since <= now() - "
                                + ":afterMillis * interval '1 millisecond' then :reason else w.disabled_reason end, "
                                + "disabled_at = case when w.status = 'enabled' and w.failing_since <= now() - "
                                + ":afterMillis * interval '1 millisecond' then now() else w.disabled_at end "
                                + "from old where w.id = old.id returning w.status, old.status as was) "
                                + "select status = 'disabled' and was = 'enabled' as disabled from changed")
                        .bind("id", due.webhookId())
                        .bind("afterMillis", disableAfter.toMillis())
                        .bind("reason", disableReason)
                        .map((row, meta) -> Boolean.TRUE.equals(row.get("disabled", Boolean.class)))
                        .one()
                        .defaultIfEmpty(false);
        // The subscription's row first, then the delivery's: the order DELETE /webhooks/{id} locks them in (the row,
        // then its deliveries by cascade), so that the two never wait for each other.
        Mono<Void> recorded = insert.then();
        return webhook.flatMap(disabled -> recorded.then(delivery).thenReturn(disabled));
    }

    /** The subscription's deliveries, newest first, after {@code after} (a delivery id) in that order. */
    Flux<Delivery> deliveries(UUID webhookId, String state, UUID after, int limit) {
        String sql = "select d.id, d.event_id, e.type, d.redelivery_of, d.state, d.attempts, d.next_attempt_at, "
                + "d.created_at, d.finished_at from api.webhook_deliveries d join api.webhook_events e "
                + "on e.id = d.event_id where d.webhook_id = :webhook"
                + (state == null ? "" : " and d.state = :state")
                + (after == null
                        ? ""
                        : " and (d.created_at, d.id) < (select created_at, id from api.webhook_deliveries "
                                + "where id = :after)")
                + " order by d.created_at desc, d.id desc limit :limit";
        DatabaseClient.GenericExecuteSpec spec =
                db.sql(sql).bind("webhook", webhookId).bind("limit", limit);
        if (state != null) {
            spec = spec.bind("state", state);
        }
        if (after != null) {
            spec = spec.bind("after", after);
        }
        return spec.map((row, meta) -> delivery(row)).all();
    }

    Mono<Delivery> delivery(UUID webhookId, UUID deliveryId) {
        return db.sql("select d.id, d.event_id, e.type, d.redelivery_of, d.state, d.attempts, d.next_attempt_at, "
                        + "d.created_at, d.finished_at from api.webhook_deliveries d join api.webhook_events e "
                        + "on e.id = d.event_id where d.webhook_id = :webhook and d.id = :id")
                .bind("webhook", webhookId)
                .bind("id", deliveryId)
                .map((row, meta) -> delivery(row))
                .one();
    }

    Flux<Attempt> attempts(List<UUID> deliveryIds) {
        return db.sql("select delivery_id, attempt, at, status_code, error, duration_ms, response_excerpt "
                        + "from api.webhook_delivery_attempts where delivery_id = any(:ids) "
                        + "order by delivery_id, attempt")
                .bind("ids", deliveryIds.toArray(UUID[]::new))
                .map((row, meta) -> new Attempt(
                        row.get("delivery_id", UUID.class),
                        row.get("attempt", Integer.class),
                        instant(row.get("at", OffsetDateTime.class)),
                        row.get("status_code", Integer.class),
                        row.get("error", String.class),
                        row.get("duration_ms", Integer.class),
                        row.get("response_excerpt", String.class)))
                .all();
    }

    // Daily runs

    /**
     * Whether this replica takes {@code task} for {@code day}: it is not done, and no other replica holds a lease on
     * it. A replica that dies leaves a lease that ends, and the next check takes the task over.
     */
    Mono<Boolean> claimDay(String task, LocalDate day, String owner, Duration lease) {
        return db.sql("insert into api.daily_runs (task, day, lease_until, owner) "
                        + "values (:task, :day, now() + make_interval(secs => :lease), :owner) "
                        + "on conflict (task, day) do update set lease_until = excluded.lease_until, owner = excluded.owner "
                        + "where api.daily_runs.done_at is null and api.daily_runs.lease_until < now() "
                        + "returning owner")
                .bind("task", task)
                .bind("day", day)
                .bind("lease", (double) lease.toMillis() / 1000)
                .bind("owner", owner)
                .map((row, meta) -> owner.equals(row.get("owner", String.class)))
                .one()
                .defaultIfEmpty(false);
    }

    Mono<Void> finishDay(String task, LocalDate day, String owner) {
        return db.sql("update api.daily_runs set done_at = now() where task = :task and day = :day and owner = :owner")
                .bind("task", task)
                .bind("day", day)
                .bind("owner", owner)
                .then();
    }

    // Rows

    private static Stored stored(Readable row) {
        String[] events = row.get("events", String[].class);
        return new Stored(
                row.get("id", UUID.class),
                row.get("tenant_id", String.class),
                row.get("url", String.class),
                events == null ? List.of() : Arrays.asList(events),
                row.get("description", String.class),
                row.get("status", String.class),
                row.get("disabled_reason", String.class),
                instant(row.get("disabled_at", OffsetDateTime.class)),
                instant(row.get("failing_since", OffsetDateTime.class)),
                row.get("created_by", String.class),
                instant(row.get("created_at", OffsetDateTime.class)),
                instant(row.get("updated_at", OffsetDateTime.class)));
    }

    private static Delivery delivery(Readable row) {
        return new Delivery(
                row.get("id", UUID.class),
                row.get("event_id", UUID.class),
                row.get("type", String.class),
                row.get("redelivery_of", UUID.class),
                row.get("state", String.class),
                row.get("attempts", Integer.class),
                instant(row.get("next_attempt_at", OffsetDateTime.class)),
                instant(row.get("created_at", OffsetDateTime.class)),
                instant(row.get("finished_at", OffsetDateTime.class)));
    }

    private static DatabaseClient.GenericExecuteSpec bindNullable(
            DatabaseClient.GenericExecuteSpec spec, String name, String value) {
        return value == null ? spec.bindNull(name, String.class) : spec.bind(name, value);
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
