-- Every table has one owning feature, whose store holds all the SQL that writes it (docs/services.md, "Inside
-- api-service"; TableOwnershipTest keeps it so). Other features read what they need through a view the owner
-- publishes: the view names the columns they rely on, so the owner may change the rest without breaking them.

-- A tenant's limits (PATCH /accounts/{id}) belong to the limits feature: they move out of accounts, which the
-- accounts feature owns. A tenant without a row has the installation's defaults.
create table tenant_limits (
    tenant_id                   text primary key references accounts (id) on delete cascade,
    token_rate_limit            integer,
    token_rate_period_seconds   integer,
    tenant_rate_limit           integer,
    tenant_rate_period_seconds  integer,
    active_jobs                 integer
);
insert into tenant_limits (tenant_id, token_rate_limit, token_rate_period_seconds, tenant_rate_limit,
                           tenant_rate_period_seconds, active_jobs)
select id, token_rate_limit, token_rate_period_seconds, tenant_rate_limit, tenant_rate_period_seconds, active_jobs
from accounts
where coalesce(token_rate_limit, token_rate_period_seconds, tenant_rate_limit, tenant_rate_period_seconds,
               active_jobs) is not null;
alter table accounts
    drop column token_rate_limit,
    drop column token_rate_period_seconds,
    drop column tenant_rate_limit,
    drop column tenant_rate_period_seconds,
    drop column active_jobs;

-- Published by jobs: a job's state and where its callback goes (read by backups, callbacks and ssl).
create view job_states as
select id, tenant_id, type, status, callback_url
from jobs;

-- Published by domains: who owns a name and whether it takes changes (read by jobs when it accepts a change).
create view domain_states as
select name, tenant_id, status
from domains;

-- Published by tokens: the callback URL a token names by default (read by jobs when it stores a job).
create view token_callbacks as
select id, callback_url
from tokens;
