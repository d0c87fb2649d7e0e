-- 0006: what the runtime needs: formations (how many instances of each process type, with
-- their limits), what a release runs, where an instance lives, and the app log store
-- (partitioned by day, searchable, dropped by partition for retention).

CREATE TABLE formations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  process_type text NOT NULL,
  quantity integer NOT NULL DEFAULT 1,
  memory_mb integer NOT NULL DEFAULT 512,
  cpu_quota double precision NOT NULL DEFAULT 1,
  max_procs integer NOT NULL DEFAULT 256,
  health_check jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT formations_process_type_check CHECK (process_type ~ '^[A-Za-z0-9_-]{1,63}$'),
  CONSTRAINT formations_quantity_check CHECK (quantity BETWEEN 0 AND 100),
  CONSTRAINT formations_memory_check CHECK (memory_mb BETWEEN 16 AND 65536),
  CONSTRAINT formations_cpu_check CHECK (cpu_quota > 0 AND cpu_quota <= 64),
  CONSTRAINT formations_procs_check CHECK (max_procs BETWEEN 8 AND 65536)
);
CREATE UNIQUE INDEX formations_app_type_key ON formations (app_id, process_type);
CREATE TRIGGER formations_audit AFTER INSERT OR UPDATE OR DELETE ON formations
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();

ALTER TABLE releases
  ADD COLUMN store_path text,
  ADD COLUMN processes jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN release_command text,
  ADD COLUMN kind text NOT NULL DEFAULT 'build',
  ADD CONSTRAINT releases_kind_check CHECK (kind IN ('build', 'config', 'rollback'));

ALTER TABLE instances
  ADD COLUMN runtime_mode text,
  ADD COLUMN runtime_ref text,
  ADD COLUMN health_detail text,
  ADD CONSTRAINT instances_runtime_mode_check CHECK (runtime_mode IS NULL OR runtime_mode IN ('nspawn', 'bwrap', 'process'));
CREATE UNIQUE INDEX instances_runtime_ref_key ON instances (runtime_ref);

ALTER TABLE deployments
  DROP CONSTRAINT deployments_status_check,
  ADD CONSTRAINT deployments_status_check
    CHECK (status IN ('queued', 'pending', 'running', 'succeeded', 'failed', 'cancelled', 'rolled_back')),
  ADD COLUMN previous_release_id uuid REFERENCES releases (id) ON DELETE SET NULL,
  ADD COLUMN options jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN duration_ms integer;

CREATE TABLE app_logs (
  id bigserial,
  app_id uuid NOT NULL,
  instance_id uuid,
  process_type text,
  source text NOT NULL DEFAULT 'app',
  stream text NOT NULL DEFAULT 'stdout',
  level text NOT NULL DEFAULT 'info',
  line text NOT NULL,
  logged_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, logged_at),
  CONSTRAINT app_logs_stream_check CHECK (stream IN ('stdout', 'stderr', 'system')),
  CONSTRAINT app_logs_level_check CHECK (level IN ('debug', 'info', 'warn', 'error'))
) PARTITION BY RANGE (logged_at);
CREATE INDEX app_logs_app_time_idx ON app_logs (app_id, logged_at, id);
CREATE INDEX app_logs_search_idx ON app_logs USING gin (to_tsvector('simple', line));
-- Rows outside every daily partition land here rather than failing; the engine creates daily
-- partitions ahead of time and drops old ones for retention.
CREATE TABLE app_logs_default PARTITION OF app_logs DEFAULT;
