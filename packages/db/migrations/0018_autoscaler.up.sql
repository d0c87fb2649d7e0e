-- 0018: the autoscaler acts. A policy scales on one metric (cpu, memory, rps, p95 or custom)
-- toward one target, scales down only after its stabilization window, and may carry schedules
-- (cron in a time zone, a window length, min/max overrides inside it). Every decision is kept.
ALTER TABLE scaling_policies
  ADD COLUMN metric text NOT NULL DEFAULT 'cpu',
  ADD COLUMN target double precision,
  ADD COLUMN schedules jsonb NOT NULL DEFAULT '[]';

-- The old policy had up to three targets; the first one set (CPU, then memory, then requests) becomes the metric.
UPDATE scaling_policies SET
  metric = CASE
    WHEN target_cpu_percent IS NOT NULL THEN 'cpu'
    WHEN target_memory_percent IS NOT NULL THEN 'memory'
    WHEN target_requests_per_second IS NOT NULL THEN 'rps'
    ELSE 'cpu' END,
  target = coalesce(target_cpu_percent, target_memory_percent, target_requests_per_second);

-- The cooldown was the wait before acting again; the scale-down stabilization window is its heir.
ALTER TABLE scaling_policies DROP CONSTRAINT scaling_policies_cooldown_check;
ALTER TABLE scaling_policies RENAME COLUMN cooldown_seconds TO stabilization_seconds;
UPDATE scaling_policies SET stabilization_seconds = greatest(10, least(3600, stabilization_seconds));
ALTER TABLE scaling_policies
  DROP COLUMN target_cpu_percent,
  DROP COLUMN target_memory_percent,
  DROP COLUMN target_requests_per_second,
  ADD CONSTRAINT scaling_policies_metric_check CHECK (metric IN ('cpu', 'memory', 'rps', 'p95', 'custom')),
  ADD CONSTRAINT scaling_policies_target_check CHECK (target IS NULL OR target > 0),
  ADD CONSTRAINT scaling_policies_stabilization_check CHECK (stabilization_seconds BETWEEN 10 AND 3600),
  ADD CONSTRAINT scaling_policies_enabled_target_check CHECK (NOT enabled OR target IS NOT NULL);

-- The autoscaler's decisions and notices, written by the platform (not audited: no user did it).
CREATE TABLE autoscale_events (
  id bigserial PRIMARY KEY,
  app_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  process_type text NOT NULL,
  metric text NOT NULL,
  value double precision,
  target double precision,
  from_quantity integer NOT NULL,
  to_quantity integer NOT NULL,
  -- scale_up, scale_down, at_max (wants more than the maximum), stale (custom value too old or missing), no_data.
  kind text NOT NULL CHECK (kind IN ('scale_up', 'scale_down', 'at_max', 'stale', 'no_data')),
  reason text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX autoscale_events_app_at_idx ON autoscale_events (app_id, at DESC, id DESC);
