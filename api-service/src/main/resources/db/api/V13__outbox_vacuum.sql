-- The outbox sees a row inserted and deleted for every record a job publishes: hundreds a second under load. With
-- autovacuum's defaults (a fifth of the table dead before it runs) its pages piled up to megabytes for a few dozen
-- live rows, and every scan of it paid for them (docs/jobs.md, "What a job costs"). Vacuum it after a few hundred
-- dead rows, without the cost-based pauses, so that its freed space is reused at once and it stays a few pages.
alter table outbox set (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 500,
    autovacuum_vacuum_cost_delay = 0,
    autovacuum_analyze_scale_factor = 0,
    autovacuum_analyze_threshold = 1000
);
