-- 0015: router rows carry requests by status class and a p99, for the error rate, the Prometheus
-- exposition and the alert rules (null on rows written before, and on instance rows).
ALTER TABLE metrics_snapshots
  ADD COLUMN response_time_p99_ms double precision,
  ADD COLUMN requests_2xx bigint,
  ADD COLUMN requests_3xx bigint,
  ADD COLUMN requests_4xx bigint,
  ADD COLUMN requests_5xx bigint;
