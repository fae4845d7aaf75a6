-- Per-token restrictions: source networks, domains, rate limit; and rotation lineage.
alter table tokens
    add column allowed_cidrs       text[] not null default '{}',
    add column allowed_domains     text[] not null default '{}',
    add column rate_limit          integer,
    add column rate_period_seconds integer,
    add column rotated_from        text references tokens (id);
create index tokens_tenant on tokens (tenant_id, id);
