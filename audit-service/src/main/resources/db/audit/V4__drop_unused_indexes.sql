-- Two indexes no query uses, each written for every stored event (issue 16: the job path at the speed of its
-- parts): "each event once" is audit.event_ids' primary key, not events_source_id; and every listing orders by
-- (occurred_at, seq), which events_tenant_occurred and events_occurred serve, not (tenant, seq).
drop index if exists events_source_id;
drop index if exists events_tenant_time;
