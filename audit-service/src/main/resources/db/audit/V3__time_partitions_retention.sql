-- Retention (issue 6 item 6): audit.events and audit.quarantine become range-partitioned on stored_at (the time
-- the row was stored), so that expiry detaches and drops whole partitions and never deletes a row. See
-- docs/audit.md, Retention. Existing rows are carried over unchanged (seq, hash, prev_hash included).
--
-- Why stored_at and not the event's time: rows are stored in offset order under the chain's lock, so stored_at
-- grows with the offset along every chain and dropping the oldest partitions removes a prefix of each chain,
-- never links from its middle; and a late event (an old `time`) never needs a partition that was dropped.

-- Where each partition of the audit tables starts and ends, read from the catalog.
create view partition_bounds as
select p.relname::text as parent,
       c.relname::text as name,
       (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']*)''\) TO \(''([^'']*)''\)'))[1]::timestamptz
           as from_at,
       (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']*)''\) TO \(''([^'']*)''\)'))[2]::timestamptz
           as to_at
from pg_inherits i
join pg_class c on c.oid = i.inhrelid
join pg_class p on p.oid = i.inhparent
join pg_namespace n on n.oid = p.relnamespace
where n.nspname = 'audit' and p.relname in ('events', 'quarantine');

-- The partition of audit.<parent> that holds the time `at`, created when missing: [at's day or month (UTC),
-- the next one), cut short where a neighbouring partition already begins or ends. Returns the new partition's
-- name, or null when one existed. Security definer (runs as the schema's owner), so that the writer login can
-- make sure the partition of now() exists before it inserts (an insert must never fail for want of one) without
-- being allowed to create, alter, detach or drop anything itself. The fast path reads the catalog only; the
-- lock serialises two creators of the same partition.
create function ensure_partition(parent text, at timestamptz, unit text default 'day') returns text
    language plpgsql security definer set search_path = pg_catalog, audit as $$
declare
    lo timestamptz;
    hi timestamptz;
    part text;
begin
    if parent not in ('events', 'quarantine') then
        raise exception 'not a partitioned audit table: %', parent;
    end if;
    if unit not in ('day', 'month') then
        raise exception 'partition unit must be day or month, not %', unit;
    end if;
    if exists (select 1 from audit.partition_bounds b
               where b.parent = ensure_partition.parent and at >= b.from_at and at < b.to_at) then
        return null;
    end if;
    perform pg_advisory_xact_lock(hashtext('audit.partitions'), 0);
    if exists (select 1 from audit.partition_bounds b
               where b.parent = ensure_partition.parent and at >= b.from_at and at < b.to_at) then
        return null;
    end if;
    lo := date_trunc(unit, at, 'UTC');
    hi := ((lo at time zone 'UTC') + ('1 ' || unit)::interval) at time zone 'UTC';
    select greatest(lo, max(b.to_at)) into lo from audit.partition_bounds b
        where b.parent = ensure_partition.parent and b.to_at <= at;
    select least(hi, min(b.from_at)) into hi from audit.partition_bounds b
        where b.parent = ensure_partition.parent and b.from_at > at;
    part := parent || '_p' || to_char(lo at time zone 'UTC', 'YYYYMMDD');
    if (lo at time zone 'UTC')::time <> '00:00' then
        part := part || '_' || to_char(lo at time zone 'UTC', 'HH24MISS');
    end if;
    execute format('create table audit.%I partition of audit.%I for values from (%L) to (%L)', part, parent, lo, hi);
    -- Row triggers are cloned from the parent; a statement trigger is not, and TRUNCATE can name a partition.
    execute format('create trigger %I before truncate on audit.%I for each statement execute function '
                   'audit.forbid_change()', part || '_no_truncate', part);
    return part;
end;
$$;

-- Both tables at once: what the ingestor calls in each poll's transaction before it inserts.
create function ensure_partitions(at timestamptz, unit text default 'day') returns void
    language plpgsql security definer set search_path = pg_catalog, audit as $$
begin
    perform audit.ensure_partition('events', at, unit);
    perform audit.ensure_partition('quarantine', at, unit);
end;
$$;

revoke all on function ensure_partition(text, timestamptz, text) from public;
revoke all on function ensure_partitions(timestamptz, text) from public;

-- audit.events, partitioned. Unique constraints of a partitioned table must contain the partition key, so
-- "each event once" moves to audit.event_ids below; the position (topic, partition, offset) is kept unique by
-- the ingestor's per-chain lock and tail and indexed here (unique within a partition).
alter table events rename to events_v2;
alter sequence events_seq_seq owned by none;
create table events (
    seq              bigint not null default nextval('audit.events_seq_seq'),
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
    event            jsonb not null,
    stored_at        timestamptz not null default now(),
    hash             bytea,
    prev_hash        bytea
) partition by range (stored_at);

alter table quarantine rename to quarantine_v2;
create table quarantine (
    topic            text not null,
    kafka_partition  integer not null,
    kafka_offset     bigint not null,
    raw              bytea,
    reason           text not null,
    hash             bytea not null,
    prev_hash        bytea not null,
    stored_at        timestamptz not null default now()
) partition by range (stored_at);

-- Carried-over rows get monthly partitions (the default unit); new ones follow hostplane.audit.retention.
select ensure_partition('events', m, 'month')
from (select distinct date_trunc('month', stored_at, 'UTC') as m from events_v2) t;
select ensure_partition('quarantine', m, 'month')
from (select distinct date_trunc('month', stored_at, 'UTC') as m from quarantine_v2) t;

insert into events (seq, event_id, source, type, subject, tenant, request_id, job_id, occurred_at, topic,
                    kafka_partition, kafka_offset, event, stored_at, hash, prev_hash)
select seq, event_id, source, type, subject, tenant, request_id, job_id, occurred_at, topic,
       kafka_partition, kafka_offset, event, stored_at, hash, prev_hash
from events_v2;
insert into quarantine (topic, kafka_partition, kafka_offset, raw, reason, hash, prev_hash, stored_at)
select topic, kafka_partition, kafka_offset, raw, reason, hash, prev_hash, stored_at from quarantine_v2;

-- Each event once: one row per stored event's (source, id), in a table that is not partitioned so that the
-- primary key holds across partitions. Its rows go only once their event's partition has been dropped (and
-- recorded in audit.expirations): the window of "stored once" is every event the store still holds.
create table event_ids (
    source      text not null,
    event_id    text not null,
    stored_at   timestamptz not null default now(),
    primary key (source, event_id)
);
create index event_ids_stored on event_ids (stored_at);
insert into event_ids (source, event_id, stored_at) select source, event_id, stored_at from events_v2;

drop table events_v2;
drop table quarantine_v2;
alter sequence events_seq_seq owned by events.seq;

alter table events add primary key (seq, stored_at);
create index events_source_id on events (source, event_id);
create index events_chain on events (topic, kafka_partition, kafka_offset);
create index events_tenant_time on events (tenant, seq desc);
create index events_job on events (job_id) where job_id is not null;
create index events_request on events (request_id) where request_id is not null;
create index events_tenant_occurred on events (tenant, occurred_at desc, seq desc);
create index events_occurred on events (occurred_at desc, seq desc);
alter table quarantine add primary key (topic, kafka_partition, kafka_offset, stored_at);

-- What expiry dropped: one row per chain (topic, partition) a dropped partition held (and one with a null
-- topic for an empty partition), with the range of offsets and the hash of the last dropped link. Kept for
-- ever, like audit.checkpoints: verification starts after these ranges from the next signed checkpoint, and the
-- ingestor continues a chain whose links have all expired from the last dropped hash.
create table expirations (
    parent           text not null,                 -- events or quarantine
    partition_name   text not null,
    from_at          timestamptz not null,
    to_at            timestamptz not null,
    topic            text,
    kafka_partition  integer,
    first_offset     bigint,
    last_offset      bigint,
    last_hash        bytea,
    links            bigint not null,
    expired_at       timestamptz not null default now(),
    expired_by       text not null default current_user
);
create index expirations_chain on expirations (topic, kafka_partition, last_offset);

create trigger events_no_update before update or delete on events for each row execute function forbid_change();
create trigger events_no_truncate before truncate on events for each statement execute function forbid_change();
create trigger quarantine_no_update before update or delete on quarantine
    for each row execute function forbid_change();
create trigger quarantine_no_truncate before truncate on quarantine
    for each statement execute function forbid_change();
create trigger expirations_no_update before update or delete on expirations
    for each row execute function forbid_change();
create trigger expirations_no_truncate before truncate on expirations
    for each statement execute function forbid_change();
-- The partitions made above for carried-over rows got their truncate trigger already; row triggers are cloned.

-- An id may go only once the partitions that held its event are recorded as dropped; never updated or truncated.
create function forbid_id_change() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE'
            and old.stored_at < (select max(to_at) from audit.expirations where parent = 'events') then
        return old;
    end if;
    raise exception 'audit.% is append-only (% refused)', tg_table_name, tg_op;
end;
$$;
create trigger event_ids_no_update before update or delete on event_ids
    for each row execute function forbid_id_change();
create trigger event_ids_no_truncate before truncate on event_ids
    for each statement execute function forbid_change();

revoke all on all tables in schema audit from public;
