-- A tenant's callback signing secrets, stored sealed (issue 23 item 4), so that they can be rotated and are never
-- shown again after the rotation that made them. Before its first rotation a tenant has no row and signs with the
-- secret derived from hostplane.callbacks.signing-key (what GET /me used to show); the first rotation stores that
-- derived secret as replaced, so it keeps signing through the overlap (hostplane.callbacks.secret-overlap) beside
-- the new one. Sealed: AES-256-GCM under the platform's sealing key, associated data 'callback-secret:<id>'.
create table callback_secrets (
    id             text primary key,                  -- cs_…, shown by GET /me
    tenant_id      text not null,
    secret_sealed  bytea not null,
    created_at     timestamptz not null default now(),
    replaced_at    timestamptz                         -- null: the tenant's current secret
);
create index callback_secrets_tenant on callback_secrets (tenant_id, created_at desc);
create unique index callback_secrets_current on callback_secrets (tenant_id) where replaced_at is null;
