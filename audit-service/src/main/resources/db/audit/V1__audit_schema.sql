-- The audit store: every event, once, append-only.

create table events (
    seq              bigserial primary key,
    event_id         text not null,
    source           text not null,
    type             text not null,
    subject          text,
    tenant           text,
    request_id       text,
    job_id           text,
    occurred_at      timestamptz not null,
    topic            text not null,
    kafka_partition  integer not null,
    kafka_offset     bigint not null,
    event            jsonb not null,                 -- the CloudEvent as consumed
    stored_at        timestamptz not null default now(),
    unique (source, event_id)
);
create index events_tenant_time on events (tenant, seq desc);
create index events_job on events (job_id) where job_id is not null;
create index events_request on events (request_id) where request_id is not null;

-- Append-only in the database itself: no UPDATE, DELETE or TRUNCATE, whatever the application does.
create function forbid_change() returns trigger language plpgsql as $$
begin
    raise exception 'audit.events is append-only (% refused)', tg_op;
end;
$$;
create trigger events_no_update before update or delete on events for each row execute function forbid_change();
create trigger events_no_truncate before truncate on events for each statement execute function forbid_change();
