-- Hash chains per (topic, partition), the quarantine of unreadable records and signed checkpoints (issue 6).
-- See docs/audit.md for the canonical form. Rows stored before this migration have no hash and are
-- reported as unchained by verification.

alter table events add column hash bytea, add column prev_hash bytea;
create unique index events_chain on events (topic, kafka_partition, kafka_offset);
create index events_tenant_occurred on events (tenant, occurred_at desc, seq desc);
create index events_occurred on events (occurred_at desc, seq desc);

-- A record that could not be read as an event: kept with its bytes and the reason, and a link of its chain.
create table quarantine (
    topic            text not null,
    kafka_partition  integer not null,
    kafka_offset     bigint not null,
    raw              bytea,                         -- the record's value as consumed (null: no value)
    reason           text not null,
    hash             bytea not null,
    prev_hash        bytea not null,
    stored_at        timestamptz not null default now(),
    primary key (topic, kafka_partition, kafka_offset)
);

-- Every N offsets of a chain, its hash at that link, signed with the audit service's Ed25519 key.
create table checkpoints (
    topic            text not null,
    kafka_partition  integer not null,
    kafka_offset     bigint not null,
    hash             bytea not null,
    signed_at        timestamptz not null,
    key_id           text not null,
    signature        bytea not null,
    primary key (topic, kafka_partition, kafka_offset)
);

create trigger quarantine_no_update before update or delete on quarantine for each row execute function forbid_change();
create trigger quarantine_no_truncate before truncate on quarantine for each statement execute function forbid_change();
create trigger checkpoints_no_update before update or delete on checkpoints for each row execute function forbid_change();
create trigger checkpoints_no_truncate before truncate on checkpoints for each statement execute function forbid_change();

create or replace function forbid_change() returns trigger language plpgsql as $$
begin
    raise exception 'audit.% is append-only (% refused)', tg_table_name, tg_op;
end;
$$;

-- Nobody but the owner gets anything by default; AuditPrivileges grants the writer and reader roles.
revoke all on all tables in schema audit from public;
