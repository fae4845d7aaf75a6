-- Replay jobs as the audit service received them (docs/audit.md, "Replay"), in a schema of their own so that a
-- rebuild of the store after schema audit was dropped still finds the replay that rebuilds it. Append-only: a
-- replay is 'received' with its command, may get a 'cancel', and is 'finished' once its outcome was sent. A
-- replay received and not finished is run again after a restart (at least once).
create table audit_replay.log (
    job_id  uuid        not null,
    state   text        not null check (state in ('received', 'cancel', 'finished')),
    command jsonb,
    at      timestamptz not null default now(),
    primary key (job_id, state)
);
