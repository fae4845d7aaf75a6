-- The per-tenant limit on active jobs counts these at every acceptance.
create index jobs_tenant_active on jobs (tenant_id) where status in ('queued', 'running');
