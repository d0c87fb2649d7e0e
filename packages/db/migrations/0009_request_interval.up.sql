-- 0009: an app's router row (request_count without an instance) says how long it counted for,
-- so a rate is requests / seconds counted, also in a bucket that is only partly over.
ALTER TABLE metrics_snapshots ADD COLUMN request_interval_ms integer;
