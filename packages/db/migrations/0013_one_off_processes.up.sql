-- 0013: one-off processes (`skypanel run`): a command run once in an instance of the app's
-- current release, attached to its caller or detached with its output in the logs.
CREATE TABLE one_off_processes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  release_id uuid REFERENCES releases (id) ON DELETE SET NULL,
  number integer NOT NULL,
  command text NOT NULL CHECK (length(command) BETWEEN 1 AND 16384),
  attach boolean NOT NULL,
  status text NOT NULL DEFAULT 'starting'
    CHECK (status IN ('starting', 'running', 'succeeded', 'failed', 'stopped', 'timed_out')),
  exit_code integer,
  -- Why it ended, in words: "exited with code 3", "stopped by the user", "no one attached within 30 s".
  exit_reason text,
  timeout_seconds integer NOT NULL CHECK (timeout_seconds BETWEEN 1 AND 86400),
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  UNIQUE (app_id, number)
);
CREATE INDEX one_off_processes_app_number ON one_off_processes (app_id, number DESC);
-- Who started what is audited; the status changes that follow are not (they are the row itself).
CREATE TRIGGER one_off_processes_audit AFTER INSERT ON one_off_processes
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();
