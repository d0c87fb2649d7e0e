ALTER TABLE metrics_snapshots DROP COLUMN request_interval_ms;
