-- 0010: a release's audit row carried its config snapshot, which is sealed values (ciphertext,
-- nonce, key id). Keep it out, like env_vars' own audit rows, and clear it from rows already written.
DROP TRIGGER releases_audit ON releases;
CREATE TRIGGER releases_audit AFTER INSERT OR DELETE ON releases
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change('config_snapshot');
UPDATE audit_log SET details = details #- '{row,config_snapshot}'
 WHERE target_type = 'releases' AND details -> 'row' ? 'config_snapshot';
