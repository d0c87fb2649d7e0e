DROP TABLE autoscale_events;
ALTER TABLE scaling_policies
  DROP CONSTRAINT scaling_policies_metric_check,
  DROP CONSTRAINT scaling_policies_target_check,
  DROP CONSTRAINT scaling_policies_stabilization_check,
  DROP CONSTRAINT scaling_policies_enabled_target_check,
  ADD COLUMN target_cpu_percent double precision,
  ADD COLUMN target_memory_percent double precision,
  ADD COLUMN target_requests_per_second double precision;
-- p95 and custom had no column before: their policies keep their bounds and lose the target.
UPDATE scaling_policies SET
  target_cpu_percent = CASE WHEN metric = 'cpu' THEN least(target, 100) END,
  target_memory_percent = CASE WHEN metric = 'memory' THEN least(target, 100) END,
  target_requests_per_second = CASE WHEN metric = 'rps' THEN target END,
  enabled = enabled AND metric IN ('cpu', 'memory', 'rps');
ALTER TABLE scaling_policies RENAME COLUMN stabilization_seconds TO cooldown_seconds;
ALTER TABLE scaling_policies
  DROP COLUMN metric,
  DROP COLUMN target,
  DROP COLUMN schedules,
  ADD CONSTRAINT scaling_policies_cooldown_check CHECK (cooldown_seconds >= 0);
