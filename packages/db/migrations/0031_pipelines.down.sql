ALTER TABLE releases DROP COLUMN promoted_from_release_id;
-- A promoted release stays, as the build release it is underneath.
UPDATE releases SET kind = 'build' WHERE kind = 'promotion';
ALTER TABLE releases DROP CONSTRAINT releases_kind_check;
ALTER TABLE releases ADD CONSTRAINT releases_kind_check CHECK (kind IN ('build', 'config', 'rollback'));
DROP TABLE review_apps;
DROP TABLE pipeline_apps;
DROP TABLE pipelines;
