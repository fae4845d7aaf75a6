-- Websites (issue 24): one nginx server block per website, serving an owned, active domain and optional aliases.
-- A row holds the website as last asked for; its status follows the job of that last change (docs/websites.md).

create table websites (
    id                uuid primary key,                 -- UUIDv7
    tenant_id         text not null,
    domain            text not null unique,             -- one website per domain
    aliases           text[] not null default '{}',
    kind              text not null,                    -- static | proxy
    upstream          text,                             -- proxy: the URL as given
    upstream_address  text,                             -- proxy: the address the name was pinned to when accepted
    https             text not null,                    -- auto | off | redirect
    deployment        uuid,                             -- static: the deployment being served
    job_id            uuid not null,                    -- the last change's job: status follows it
    deleting          boolean not null default false,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now()
);
create index websites_tenant on websites (tenant_id, id);

-- Every name a website answers to (its domain and its aliases), once across all websites.
create table website_names (
    name        text primary key,
    website_id  uuid not null references websites (id) on delete cascade
);
create index website_names_website on website_names (website_id);

-- Published by websites: which names websites serve (read by domains: a domain in use cannot be deleted).
create view website_uses as
select w.id, w.tenant_id, w.domain, n.name
from websites w join website_names n on n.website_id = w.id;

-- Published by dns: the names that have an address record (read by websites for the NO_ADDRESS_RECORD warning).
create view address_names as
select distinct tenant_id, case when name = '@' then zone else name || '.' || zone end as name
from dns_records
where type in ('A', 'AAAA');
