-- 0027: platform backups (the control database, key files, current releases' closures and
-- add-on dumps in one archive), one row each, for the dashboard's list and retention.
CREATE TABLE platform_backups (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  trigger text NOT NULL CHECK (trigger IN ('manual', 'schedule')),
  destination text NOT NULL CHECK (destination IN ('dir', 's3')),
  -- Where the archive is: a file path (dir) or s3://bucket/key; set once it is written.
  location text,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  -- The step it is at, for the dashboard while it runs.
  progress text,
  size_bytes bigint,
  sha256 text,
  error text,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX platform_backups_started ON platform_backups (started_at DESC);
