DELETE FROM alert_events WHERE kind = 'scheduled_job_failed';
DELETE FROM alert_rules WHERE kind = 'scheduled_job_failed';
ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_kind_check;
ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_kind_check
  CHECK (kind IN ('latency_p95', 'error_rate_5xx', 'memory', 'crash_loop', 'instance_down',
                  'deploy_failed', 'certificate', 'autoscaler_max'));
DROP TABLE scheduled_job_runs;
DROP TABLE scheduled_jobs;
