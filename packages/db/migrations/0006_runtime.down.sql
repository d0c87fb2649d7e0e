DROP TABLE app_logs;
ALTER TABLE deployments DROP COLUMN previous_release_id, DROP COLUMN options, DROP COLUMN duration_ms,
  DROP CONSTRAINT deployments_status_check,
  ADD CONSTRAINT deployments_status_check
    CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'rolled_back'));
DROP INDEX instances_runtime_ref_key;
ALTER TABLE instances DROP CONSTRAINT instances_runtime_mode_check,
  DROP COLUMN runtime_mode, DROP COLUMN runtime_ref, DROP COLUMN health_detail;
ALTER TABLE releases DROP CONSTRAINT releases_kind_check,
  DROP COLUMN store_path, DROP COLUMN processes, DROP COLUMN release_command, DROP COLUMN kind;
DROP TABLE formations;
