-- Audit streams (issue 22): continuous delivery of audit events to a tenant's or an operator's own tools. The
-- definitions are the API's (created, changed, paused and deleted synchronously by /audit/streams); the audit
-- service reads them and keeps each stream's position and delivery status in its own schema audit_stream
-- (docs/decisions.md, "Audit streams"). Credentials are stored sealed (AES-256-GCM under the platform's sealing
-- key, context 'audit-stream:<id>:token' / ':ca_pem'), never in clear and never returned by GET.
create table audit_streams (
    id              uuid primary key,                     -- UUIDv7, chosen by the API
    tenant          text,                                 -- the tenant whose events it carries; null: every tenant
    kind            text not null check (kind in ('http', 'syslog')),
    url             text,                                 -- http: where batches are posted (never logged)
    host            text,                                 -- syslog: the collector's host name or address
    port            integer,                              -- syslog: its TLS port
    types           text[] not null default '{}',         -- event types carried; empty: every type
    description     text,
    token_type      text check (token_type in ('bearer', 'splunk')), -- http: Authorization scheme
    token_sealed    bytea,                                -- http: nonce ‖ ciphertext of the token
    ca_pem_sealed   bytea,                                -- the CA certificates (PEM) the sink must chain to
    seal_key_id     text,                                 -- which sealing key sealed them
    token_fingerprint text,                               -- first 16 hex of SHA-256 of the token, for GET
    ca_fingerprint  text,                                 -- SHA-256 of the first CA certificate, for GET
    paused_at       timestamptz,                          -- paused by a caller; null: running
    resumed_at      timestamptz,                          -- last resume; clears a self-pause the audit service
                                                          -- recorded before it
    created_by      text,                                 -- token id
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    version         bigint not null default 1             -- bumped by every change; the audit service restarts
                                                          -- the stream's sink when it moves
);
create index audit_streams_tenant on audit_streams (tenant, id);
