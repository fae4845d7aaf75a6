-- The one table that two services write, on purpose: who got to a job first. A worker claims 'started'
-- before it applies a command; the API claims 'cancelled' when a caller cancels a queued job. The primary
-- key makes the first claim win, so a job is either cancelled or run, never both.
create table job_claims (
    job_id      uuid primary key,
    claim       text not null check (claim in ('started', 'cancelled')),
    claimed_at  timestamptz not null default now()
);
