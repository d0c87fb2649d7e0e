-- 0016: log search and per-app log retention.
--
-- Search: the words of a line as PostgreSQL's `simple` configuration splits them (no stemming),
-- after turning / . @ : < > into spaces. PostgreSQL's parser keeps a path (/api/users), a host
-- (db.internal), an address (ops@example.com), a version (1.2.3) or a tag (<div>) as one token,
-- so `users` would not find `GET /api/users`; split, each part is a word of its own, and the
-- engine re-checks any term that held those characters as a substring (logs/search-sql.ts).
-- Stored, not only an expression index: a search that the planner answers by walking an app's
-- newest lines and testing each (a word in 1 % of lines, newest 100 wanted) would otherwise parse
-- every line it passes, about 20 µs each (measured at 100,000 lines: 184 ms against 2.8 ms stored;
-- bench/log-search.bench.ts).
DROP INDEX app_logs_search_idx;
ALTER TABLE app_logs ADD COLUMN search tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', translate(line, '/.@:<>', '      '))) STORED;
CREATE INDEX app_logs_search_idx ON app_logs USING gin (search);
-- Newest-first reads of one app (every tail and search orders by id) walk this backwards.
CREATE INDEX app_logs_app_id_idx ON app_logs (app_id, id);
-- The HTTP status of an access line, read when the line is written (logs/http-status.ts); null
-- for every other line and for lines written before this migration.
ALTER TABLE app_logs ADD COLUMN status smallint CONSTRAINT app_logs_status_check CHECK (status BETWEEN 100 AND 599);
CREATE INDEX app_logs_status_idx ON app_logs (app_id, status) WHERE status IS NOT NULL;

-- An app's own log retention; an app without a row keeps the platform's defaults.
CREATE TABLE app_log_retention (
  app_id uuid PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
  -- Lines older than this many days are deleted.
  days integer NOT NULL CHECK (days BETWEEN 1 AND 365),
  -- The newest lines are kept up to this many bytes of text; older ones are deleted.
  max_bytes bigint NOT NULL CHECK (max_bytes BETWEEN 1048576 AND 107374182400),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER app_log_retention_audit AFTER INSERT OR UPDATE OR DELETE ON app_log_retention
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();
