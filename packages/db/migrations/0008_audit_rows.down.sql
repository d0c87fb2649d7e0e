-- Back to 0004's function (audit rows of triggers without arguments carry no row).
CREATE OR REPLACE FUNCTION skypanel_audit_row_change() RETURNS trigger
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
