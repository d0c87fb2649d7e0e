DROP TABLE app_log_retention;
DROP INDEX app_logs_status_idx;
ALTER TABLE app_logs DROP COLUMN status;
DROP INDEX app_logs_app_id_idx;
DROP INDEX app_logs_search_idx;
ALTER TABLE app_logs DROP COLUMN search;
CREATE INDEX app_logs_search_idx ON app_logs USING gin (to_tsvector('simple', line));
