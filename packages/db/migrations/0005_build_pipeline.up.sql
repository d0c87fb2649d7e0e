-- 0005: what the build pipeline records: the source it was given, its stages with timings,
-- the toolchain and dependency-cache key it used, its durable job, and cancel requests.
ALTER TABLE builds
  ADD COLUMN source jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN stages jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN toolchain_id text,
  ADD COLUMN cache_key text,
  ADD COLUMN duration_ms integer,
  ADD COLUMN cancel_requested_at timestamptz,
  ADD COLUMN job_id uuid,
  ADD CONSTRAINT builds_job_fk FOREIGN KEY (job_id) REFERENCES jobs (id) ON DELETE SET NULL,
  ADD CONSTRAINT builds_source_type_check CHECK (source_type IN ('git', 'archive', 'push'));
CREATE INDEX builds_app_created_idx ON builds (app_id, created_at DESC);
CREATE INDEX builds_status_idx ON builds (status) WHERE status IN ('queued', 'running');

ALTER TABLE build_cache
  ADD COLUMN kind text NOT NULL DEFAULT 'deps',
  ADD COLUMN stack text,
  ADD COLUMN nar_hash text,
  ADD COLUMN remote_key text;

CREATE INDEX jobs_kind_status_idx ON jobs (kind, status, run_at);
