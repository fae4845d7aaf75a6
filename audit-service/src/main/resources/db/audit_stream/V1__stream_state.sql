-- Where each audit stream (definitions: api.audit_streams, the API's) has got to, and how its deliveries go.
-- Written by the audit service only (its owner login), read by the API's audit reader (GET /audit/streams).
-- Kept in a schema of its own, apart from the append-only audit tables: these rows change.

-- The last offset of each chain (topic, partition) the stream has handled — delivered (HTTP: acknowledged;
-- syslog: checkpointed), or skipped because the stream's tenant or types do not match: its durable position. A
-- chain gets its row when the stream first meets it, just before the first event stored since the stream was
-- created (docs/audit.md, "Streams").
create table audit_stream.positions (
    stream_id        uuid    not null,
    topic            text    not null,
    kafka_partition  integer not null,
    kafka_offset     bigint  not null,
    primary key (stream_id, topic, kafka_partition)
);

-- One row per stream the audit service has seen: its lease (one replica runs it), what it delivered, and how.
create table audit_stream.status (
    stream_id          uuid primary key,
    started_at         timestamptz not null,        -- events stored from this time on are carried
    leased_by          text,                        -- the audit service instance running it
    lease_until        timestamptz,
    delivered          bigint not null default 0,   -- events delivered (duplicates after a rewind included)
    lag                bigint,                      -- events stored and matching, not yet delivered (capped count)
    last_delivery_at   timestamptz,
    last_error         text,                        -- the last failure's reason (never a credential)
    last_error_at      timestamptz,
    failing_since      timestamptz,                 -- null while deliveries succeed
    self_paused_at     timestamptz,                 -- paused by the audit service after failing too long
    self_paused_reason text,
    updated_at         timestamptz not null default now()
);
