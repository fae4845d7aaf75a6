-- Webhook subscriptions (issue 23): a tenant subscribes an https endpoint to event types once; every matching
-- event is delivered to it, signed, at least once, with each attempt recorded. docs/webhooks.md.

create table webhooks (
    id               uuid primary key,                     -- UUIDv7
    tenant_id        text not null,
    url              text not null,                        -- may carry a secret in its path: never logged or audited
    events           text[] not null,                      -- job.succeeded, job.failed:backup.create, ssl.expiring, *
    description      text,
    status           text not null default 'enabled',      -- enabled | disabled
    disabled_reason  text,
    disabled_at      timestamptz,
    failing_since    timestamptz,                          -- first failed attempt since the last delivered one
    created_by       text,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create index webhooks_tenant on webhooks (tenant_id, id);

-- A subscription's signing secrets, sealed (AES-256-GCM under the platform sealing key, associated data
-- 'webhook-secret:<id>'); the ones a rotation replaced sign beside the new one through the overlap.
create table webhook_secrets (
    id             text primary key,                       -- whs_…
    webhook_id     uuid not null references webhooks (id) on delete cascade,
    secret_sealed  bytea not null,
    created_at     timestamptz not null default now(),
    replaced_at    timestamptz                             -- null: the current secret
);
create index webhook_secrets_webhook on webhook_secrets (webhook_id, created_at desc);
create unique index webhook_secrets_current on webhook_secrets (webhook_id) where replaced_at is null;

-- An event some subscription wanted. source names what made it, so that it is made once however often (or on
-- however many replicas) the cause is seen: job:<id>:<type>, ssl.expiring:<certificate>:<day>, …
create table webhook_events (
    id          uuid primary key,                          -- Hostplane-Event-Id
    tenant_id   text not null,
    type        text not null,                             -- Hostplane-Event-Type
    source      text not null unique,
    job_id      uuid,                                      -- job events: the (terminal, unchanging) job is the data
    data        jsonb,                                     -- other events: the data itself
    created_at  timestamptz not null default now()
);
create index webhook_events_created on webhook_events (created_at);

create table webhook_deliveries (
    id               uuid primary key,
    webhook_id       uuid not null references webhooks (id) on delete cascade,
    event_id         uuid not null references webhook_events (id) on delete cascade,
    redelivery_of    uuid,                                 -- the delivery a redeliver request repeats
    state            text not null default 'pending',      -- pending | delivered | failed
    attempts         integer not null default 0,
    next_attempt_at  timestamptz not null default now(),
    lease_until      timestamptz,
    created_at       timestamptz not null default now(),
    finished_at      timestamptz
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where state = 'pending';
create index webhook_deliveries_webhook on webhook_deliveries (webhook_id, created_at desc, id desc);
create index webhook_deliveries_event on webhook_deliveries (event_id);

create table webhook_delivery_attempts (
    delivery_id       uuid not null references webhook_deliveries (id) on delete cascade,
    attempt           integer not null,
    at                timestamptz not null default now(),
    status_code       integer,
    error             text,
    duration_ms       integer not null,
    response_excerpt  text,                                -- the answer's first bytes, bounded
    primary key (delivery_id, attempt)
);

-- Once-a-day work shared by every API replica (the expiry notices): one row per task and UTC day; a replica leases
-- it, does the work and marks it done, and another takes over when a lease ends undone.
create table daily_runs (
    task         text not null,
    day          date not null,
    lease_until  timestamptz,
    owner        text,
    done_at      timestamptz,
    primary key (task, day)
);

-- Published by tokens: when a token expires (read by webhooks for token.expiring notices).
create view token_expiries as
select id, tenant_id, description, expires_at, revoked_at
from tokens;

-- Published by ssl: the installed certificates and when they expire (read by webhooks for ssl.expiring notices).
create view certificate_expiries as
select id, tenant_id, domain, status, not_after, fingerprint_sha256
from ssl_certificates;
