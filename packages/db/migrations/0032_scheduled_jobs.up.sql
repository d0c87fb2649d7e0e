-- 0032: scheduled jobs (engine/schedules, Heroku Scheduler's job): a command run as a one-off
-- process of the app's current release on a cron schedule in an IANA time zone, and the
-- history of its runs.
CREATE TABLE scheduled_jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
  command text NOT NULL CHECK (length(command) BETWEEN 1 AND 4096),
  -- Five or six cron fields, checked by croner in the engine.
  schedule text NOT NULL CHECK (length(schedule) BETWEEN 1 AND 200),
  timezone text NOT NULL DEFAULT 'UTC' CHECK (length(timezone) BETWEEN 1 AND 64),
  timeout_seconds integer NOT NULL DEFAULT 1800 CHECK (timeout_seconds BETWEEN 1 AND 86400),
  -- A run due while the previous one still runs: skipped, queued (at most one), or run beside it.
  overlap text NOT NULL DEFAULT 'skip' CHECK (overlap IN ('skip', 'queue', 'run')),
  enabled boolean NOT NULL DEFAULT true,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Due times at or before this (the job's last change) never run: a changed or re-enabled job
  -- does not catch up on what its old settings would have run.
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX scheduled_jobs_app_name_idx ON scheduled_jobs (app_id, name);
CREATE TRIGGER scheduled_jobs_audit AFTER INSERT OR UPDATE OR DELETE ON scheduled_jobs
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();

-- One row per due time (and per "run now"); the newest 100 per job are kept. Not audited: the
-- scheduler writes these, not a user.
CREATE TABLE scheduled_job_runs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  job_id uuid NOT NULL REFERENCES scheduled_jobs (id) ON DELETE CASCADE,
  app_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  -- The cron due time it ran for; null: started by hand.
  scheduled_for timestamptz,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'timed_out', 'skipped')),
  reason text,
  one_off_id uuid REFERENCES one_off_processes (id) ON DELETE SET NULL,
  exit_code integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);
-- A due time is recorded once, so it is never run twice (after a restart, or by two leaders).
CREATE UNIQUE INDEX scheduled_job_runs_due_idx ON scheduled_job_runs (job_id, scheduled_for);
CREATE INDEX scheduled_job_runs_job_idx ON scheduled_job_runs (job_id, created_at);
CREATE INDEX scheduled_job_runs_active_idx ON scheduled_job_runs (status) WHERE status IN ('queued', 'running');

-- A failed or timed-out scheduled run can raise an alert.
ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_kind_check;
ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_kind_check
  CHECK (kind IN ('latency_p95', 'error_rate_5xx', 'memory', 'crash_loop', 'instance_down',
                  'deploy_failed', 'certificate', 'autoscaler_max', 'scheduled_job_failed'));
