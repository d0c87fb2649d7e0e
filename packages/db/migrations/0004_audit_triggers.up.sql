-- 0004: every change to a user-visible row leaves an audit_log row, whoever made it.
-- The engine names the actor per transaction with set_config('skypanel.actor_id', …, true)
-- (and 'skypanel.request_ip'); changes made outside the engine are recorded with no actor.
-- Columns named in the trigger's arguments (hashes, ciphertext) never reach the log.
CREATE FUNCTION skypanel_audit_row_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  new_row jsonb := CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END;
  old_row jsonb := CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END;
  row_data jsonb := coalesce(new_row, old_row);
  hidden text[] := TG_ARGV;
  changed text[];
  details jsonb;
  actor text := nullif(current_setting('skypanel.actor_id', true), '');
  request_ip text := nullif(current_setting('skypanel.request_ip', true), '');
BEGIN
  IF TG_OP = 'UPDATE' THEN
    SELECT coalesce(array_agg(k ORDER BY k), '{}') INTO changed
      FROM jsonb_object_keys(new_row) AS k
     WHERE new_row -> k IS DISTINCT FROM old_row -> k AND k <> 'updated_at';
    IF cardinality(changed) = 0 THEN
      RETURN NULL;
    END IF;
    details := jsonb_build_object('changed', to_jsonb(changed));
  ELSE
    details := jsonb_build_object('row', row_data - hidden);
  END IF;
  IF TG_OP = 'UPDATE' THEN
    details := details || jsonb_build_object('row', row_data - hidden);
  END IF;

  INSERT INTO audit_log (actor_id, team_id, app_id, action, target_type, target_id, details, ip)
  VALUES (
    actor::uuid,
    (row_data ->> 'team_id')::uuid,
    CASE WHEN TG_TABLE_NAME = 'applications' THEN (row_data ->> 'id')::uuid
         ELSE (row_data ->> 'app_id')::uuid END,
    TG_TABLE_NAME || '.' || lower(TG_OP),
    TG_TABLE_NAME,
    coalesce(row_data ->> 'id', row_data ->> 'user_id'),
    details,
    request_ip
  );
  RETURN NULL;
END
$$;

CREATE TRIGGER users_audit AFTER INSERT OR UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change('password_hash');
CREATE TRIGGER teams_audit AFTER INSERT OR UPDATE OR DELETE ON teams
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();
CREATE TRIGGER memberships_audit AFTER INSERT OR UPDATE OR DELETE ON memberships
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();
CREATE TRIGGER api_tokens_audit AFTER INSERT OR DELETE ON api_tokens
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change('token_hash');
CREATE TRIGGER applications_audit AFTER INSERT OR UPDATE OR DELETE ON applications
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();
CREATE TRIGGER env_vars_audit AFTER INSERT OR UPDATE OR DELETE ON env_vars
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change('ciphertext', 'nonce');
CREATE TRIGGER releases_audit AFTER INSERT OR DELETE ON releases
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();
CREATE TRIGGER domains_audit AFTER INSERT OR UPDATE OR DELETE ON domains
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();
CREATE TRIGGER addons_audit AFTER INSERT OR UPDATE OR DELETE ON addons
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();
CREATE TRIGGER scaling_policies_audit AFTER INSERT OR UPDATE OR DELETE ON scaling_policies
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();
