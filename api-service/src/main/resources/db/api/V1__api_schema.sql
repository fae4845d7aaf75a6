-- The API's own tables: tenants, tokens, domains, the record view, jobs and the command outbox.

create table accounts (
    id          text primary key,
    name        text not null unique,
    created_at  timestamptz not null default now()
);

create table tokens (
    id            text primary key,
    tenant_id     text references accounts (id),          -- null: platform operator
    principal     text not null,
    description   text,
    token_hash    bytea not null unique,                  -- HMAC-SHA-256 under the pepper; never the token
    hint          text not null,
    scopes        text[] not null,
    expires_at    timestamptz,
    revoked_at    timestamptz,
    created_at    timestamptz not null default now(),
    last_used_at  timestamptz,
    last_used_ip  text
);

create table domains (
    name        text primary key,                         -- one owner per name, across tenants
    tenant_id   text not null references accounts (id),
    status      text not null,                            -- pending | active
    created_at  timestamptz not null default now()
);
create index domains_tenant on domains (tenant_id, name);

-- What the platform has applied to each zone, folded from succeeded job events.
create table dns_records (
    id          uuid primary key,
    tenant_id   text not null,
    zone        text not null references domains (name) on delete cascade,
    name        text not null,
    type        text not null,
    ttl         integer not null,
    content     text not null,
    priority    integer,
    updated_at  timestamptz not null default now()
);
create index dns_records_zone on dns_records (zone, id);

create table jobs (
    id           uuid primary key,                        -- UUIDv7: sorts by creation time
    tenant_id    text not null,
    type         text not null,
    status       text not null,
    resource     text not null,
    request_id   text,
    token_id     text,
    created_at   timestamptz not null default now(),
    started_at   timestamptz,
    finished_at  timestamptz,
    attempts     integer not null default 0,
    warnings     jsonb not null default '[]',
    error        jsonb,
    result       jsonb,
    progress     integer,
    updated_at   timestamptz not null default now()
);
create index jobs_tenant on jobs (tenant_id, id desc);

-- Transactional outbox: written in the job's transaction, relayed to Kafka in seq order, then deleted.
create table outbox (
    seq          bigserial primary key,
    topic        text not null,
    message_key  text not null,
    payload      text not null,
    created_at   timestamptz not null default now()
);
