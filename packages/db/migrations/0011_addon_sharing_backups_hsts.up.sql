-- 0011: add-ons keep their own sealed credentials (so they can be attached again, and to other
-- apps), attachments become rows, PostgreSQL add-ons get backups, and a domain can ask for HSTS.
ALTER TABLE addons
  ADD COLUMN credentials bytea,
  ADD COLUMN credentials_nonce bytea,
  ADD COLUMN credentials_key_id text REFERENCES encryption_keys (id);

-- Sealed credentials stay out of the audit log, like env_vars' values.
DROP TRIGGER addons_audit ON addons;
CREATE TRIGGER addons_audit AFTER INSERT OR UPDATE OR DELETE ON addons
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change('credentials', 'credentials_nonce');

-- One row per app an add-on is attached to, under the config var `name` it is set as there.
CREATE TABLE addon_attachments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  addon_id uuid NOT NULL REFERENCES addons (id) ON DELETE CASCADE,
  app_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (app_id, name)
);
CREATE INDEX addon_attachments_addon_idx ON addon_attachments (addon_id);
CREATE TRIGGER addon_attachments_audit AFTER INSERT OR UPDATE OR DELETE ON addon_attachments
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();

INSERT INTO addon_attachments (addon_id, app_id, name)
SELECT id, app_id, details ->> 'attachedAs' FROM addons WHERE details ->> 'attachedAs' IS NOT NULL;
UPDATE addons SET details = details - 'attachedAs';

-- A pg_dump of a PostgreSQL add-on, a file in the artifact store ($SKYPANEL_HOME/artifacts/backups).
CREATE TABLE addon_backups (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  addon_id uuid NOT NULL REFERENCES addons (id) ON DELETE CASCADE,
  -- manual | schedule
  trigger text NOT NULL,
  -- running | succeeded | failed
  status text NOT NULL DEFAULT 'running',
  size_bytes bigint,
  sha256 text,
  error text,
  -- The last restore from this backup: running | succeeded | failed, and into which add-on.
  restore_status text,
  restore_error text,
  restored_into uuid,
  restored_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX addon_backups_addon_idx ON addon_backups (addon_id, created_at);

ALTER TABLE domains ADD COLUMN hsts boolean NOT NULL DEFAULT false;
