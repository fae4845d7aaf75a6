-- What the platform operator set for a tenant (PATCH /accounts/{id}); null: the installation's default.
alter table accounts
    add column token_rate_limit            integer,
    add column token_rate_period_seconds   integer,
    add column tenant_rate_limit           integer,
    add column tenant_rate_period_seconds  integer,
    add column active_jobs                 integer;

-- The tenant-wide rate limit's shared counter: permits handed out per tenant and fixed window (epoch-aligned,
-- window_start in epoch milliseconds). Replicas lease blocks of permits from it; rows of past windows are deleted.
create table tenant_rate_windows (
    tenant_id     text not null,
    window_start  bigint not null,
    used          bigint not null,
    last_grant    bigint not null,
    ends_at       timestamptz not null,
    primary key (tenant_id, window_start)
);
create index tenant_rate_windows_ends on tenant_rate_windows (ends_at);

-- The most a user may grant an app besides scopes, copied from the token that created the user: an OAuth token
-- it approves never outlives, outpaces or reaches further than that token.
alter table users
    add column max_expires_at          timestamptz,
    add column allowed_cidrs           text[] not null default '{}',
    add column allowed_domains         text[] not null default '{}',
    add column rate_limit              integer,
    add column rate_period_seconds     integer;
