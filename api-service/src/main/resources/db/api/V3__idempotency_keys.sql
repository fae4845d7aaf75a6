-- Idempotency-Key: one row per tenant and key, claimed before the request runs and bound to its job in the
-- job's own transaction. Rows older than 24 hours no longer count and are purged.
create table idempotency_keys (
    tenant_id     text not null,
    idem_key      text not null,
    request_hash  bytea not null,                  -- SHA-256 of method, path and body
    job_id        uuid,                            -- set in the job's transaction; null while in progress
    created_at    timestamptz not null default now(),
    primary key (tenant_id, idem_key)
);
create index idempotency_keys_created on idempotency_keys (created_at);
