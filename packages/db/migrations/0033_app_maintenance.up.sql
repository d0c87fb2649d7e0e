-- 0033: an app's maintenance mode. While enabled, the router answers the app's hostnames with
-- 503, Retry-After and a page (page null: the platform's default naming the app); its instances,
-- one-offs and scheduled jobs keep running. No row: not in maintenance. The page (up to 64 KiB)
-- is left out of the audit rows, which record who turned it on or off and when.
CREATE TABLE app_maintenance (
  app_id uuid PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
  enabled boolean NOT NULL DEFAULT false,
  page text CHECK (octet_length(page) BETWEEN 1 AND 65536),
  retry_after_seconds integer NOT NULL DEFAULT 60 CHECK (retry_after_seconds BETWEEN 1 AND 86400),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER app_maintenance_audit AFTER INSERT OR UPDATE OR DELETE ON app_maintenance
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change('page');
