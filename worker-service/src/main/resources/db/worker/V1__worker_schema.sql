-- The worker's own tables: the outcome of each finished job, and the local DNS backend's zones.

create table job_outcomes (
    job_id      uuid primary key,
    status      text not null,
    event       text not null,              -- the terminal job event exactly as first sent
    created_at  timestamptz not null default now()
);

create table local_zones (
    zone        text primary key,
    tenant_id   text not null,
    serial      bigint not null default 1,
    created_at  timestamptz not null default now()
);

create table local_records (
    id        uuid primary key,
    zone      text not null references local_zones (zone) on delete cascade,
    name      text not null,
    type      text not null,
    ttl       integer not null,
    content   text not null,
    priority  integer
);
create index local_records_rrset on local_records (zone, name, type);
