-- Job events are keyed by job id, so two jobs on one zone may be folded out of order. Each applied change
-- carries the position of its command in the zone's partition; a row keeps the newest it has seen, and a
-- deleted record stays as a tombstone so that an older change arriving late cannot bring it back.
alter table dns_records
    add column version bigint not null default -1,
    add column deleted boolean not null default false;
