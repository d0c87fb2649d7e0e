ALTER TABLE domains DROP COLUMN hsts;
DROP TABLE addon_backups;
UPDATE addons a SET details = a.details || jsonb_build_object('attachedAs', t.name)
  FROM addon_attachments t WHERE t.addon_id = a.id AND t.app_id = a.app_id;
DROP TABLE addon_attachments;
DROP TRIGGER addons_audit ON addons;
CREATE TRIGGER addons_audit AFTER INSERT OR UPDATE OR DELETE ON addons
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();
ALTER TABLE addons DROP COLUMN credentials, DROP COLUMN credentials_nonce, DROP COLUMN credentials_key_id;
