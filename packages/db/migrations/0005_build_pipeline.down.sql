DROP INDEX jobs_kind_status_idx;
ALTER TABLE build_cache DROP COLUMN kind, DROP COLUMN stack, DROP COLUMN nar_hash, DROP COLUMN remote_key;
DROP INDEX builds_app_created_idx, builds_status_idx;
ALTER TABLE builds DROP CONSTRAINT builds_job_fk, DROP CONSTRAINT builds_source_type_check,
  DROP COLUMN source, DROP COLUMN stages, DROP COLUMN toolchain_id, DROP COLUMN cache_key,
  DROP COLUMN duration_ms, DROP COLUMN cancel_requested_at, DROP COLUMN job_id;
