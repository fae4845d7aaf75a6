-- Completion callbacks: a job (or its token's default) names a URL; on a terminal state the job is POSTed
-- there, signed, and retried with backoff. One delivery per job, one row per attempt.
alter table jobs add column callback_url text;
alter table tokens add column callback_url text;

create table job_callbacks (
    job_id           uuid primary key references jobs (id) on delete cascade,
    tenant_id        text not null,
    url              text not null,
    state            text not null default 'pending',    -- pending | delivered | failed
    attempts         integer not null default 0,
    next_attempt_at  timestamptz not null default now(),
    lease_until      timestamptz,                         -- a replica is delivering it until then
    created_at       timestamptz not null default now(),
    finished_at      timestamptz
);
create index job_callbacks_due on job_callbacks (next_attempt_at) where state = 'pending';

create table job_callback_attempts (
    job_id       uuid not null references job_callbacks (job_id) on delete cascade,
    attempt      integer not null,
    at           timestamptz not null default now(),
    status_code  integer,
    error        text,
    duration_ms  integer not null,
    primary key (job_id, attempt)
);
