-- Backups of sites, as the API shows them. A row is written 'pending' with its backup.create job and folded
-- from the job's succeeded event ('available', with the archive's size and digest); 'deleting' from the
-- acceptance of its backup.delete job until that job succeeds, which removes the row. A pending row whose job
-- failed is shown as 'failed' (from the job's own status). No foreign key to domains: a backup outlives its
-- domain's deletion (the archive stays in the store until deleted or pruned).
create table backups (
    id            uuid primary key,                       -- UUIDv7, chosen by the API; the archive's name
    tenant_id     text not null,
    domain        text not null,
    label         text,
    status        text not null,                          -- pending | available | deleting
    job_id        uuid not null,                          -- the backup.create job
    archive       text,                                   -- path below hostplane.backup.store-dir
    size          bigint,                                 -- bytes of the archive
    sha256        text,                                   -- of the archive, hex
    file_count    integer,
    total_size    bigint,                                 -- bytes of the files archived
    created_at    timestamptz not null default now(),
    completed_at  timestamptz
);
create index backups_tenant on backups (tenant_id, id desc);
create index backups_tenant_domain on backups (tenant_id, domain, id desc);
