DELETE FROM deployments WHERE release_id IS NULL;
ALTER TABLE deployments ALTER COLUMN release_id SET NOT NULL;
