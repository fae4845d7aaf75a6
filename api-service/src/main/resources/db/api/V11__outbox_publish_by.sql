-- The outbox becomes the recovery path (docs/decisions.md, "Acceptance publishes from memory"): the replica that
-- accepted a job publishes its command right after the commit and deletes the row once Kafka has it. A row still
-- here after publish_by was not published in time (its replica died, or Kafka did not answer): the relay sends
-- every row in seq order, and new acceptances go through the relay too while such a row exists, so that a change
-- never overtakes an earlier one. Rows written before this migration are due at once.
alter table outbox add column publish_by timestamptz not null default now();
create index outbox_publish_by on outbox (publish_by);
