-- 0017: log drains. Where an app's log lines are also sent as they are written (Heroku's
-- `drains:add`): a syslog server over TLS (RFC 5424, octet-counted) or an HTTPS endpoint taking
-- NDJSON. The URL may carry a token, so it is sealed like config vars; the dashboard, the CLI and
-- the audit log see only `redacted_url`. The counters are the platform's bookkeeping of delivery.
CREATE TABLE log_drains (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('syslog-tls', 'https')),
  -- The whole URL (credentials, path and query included), sealed under the platform's key.
  url bytea NOT NULL,
  url_nonce bytea NOT NULL,
  url_key_id text NOT NULL REFERENCES encryption_keys (id),
  -- What may be shown: scheme, host and port; user, password, path and query masked.
  redacted_url text NOT NULL CHECK (length(redacted_url) BETWEEN 1 AND 400),
  delivered_count bigint NOT NULL DEFAULT 0,
  -- Lines given up on after every retry failed, and lines dropped because the queue was full.
  dead_letter_count bigint NOT NULL DEFAULT 0,
  dropped_count bigint NOT NULL DEFAULT 0,
  last_error text,
  last_error_at timestamptz,
  last_delivered_at timestamptz,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX log_drains_app_idx ON log_drains (app_id, created_at);
-- Adding and removing a drain are user actions and audited (never the sealed URL); the counters
-- the platform updates after every batch are not.
CREATE TRIGGER log_drains_audit AFTER INSERT OR DELETE ON log_drains
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change('url', 'url_nonce');
