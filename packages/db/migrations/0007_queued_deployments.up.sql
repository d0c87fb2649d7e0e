-- 0007: a deployment is queued before its release exists (it may still wait for its build).
ALTER TABLE deployments ALTER COLUMN release_id DROP NOT NULL;
