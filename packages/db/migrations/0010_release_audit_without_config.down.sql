-- Back to 0004's trigger. The snapshots cleared from old audit rows are not put back.
DROP TRIGGER releases_audit ON releases;
CREATE TRIGGER releases_audit AFTER INSERT OR DELETE ON releases
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();
