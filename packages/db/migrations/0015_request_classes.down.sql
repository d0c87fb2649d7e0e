ALTER TABLE metrics_snapshots
  DROP COLUMN response_time_p99_ms,
  DROP COLUMN requests_2xx,
  DROP COLUMN requests_3xx,
  DROP COLUMN requests_4xx,
  DROP COLUMN requests_5xx;
