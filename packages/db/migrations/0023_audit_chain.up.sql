-- 0023: a tamper-evident audit log. Every row is chained to the one before it: `hash` is the
-- sha256 of the row's fields and the previous row's hash (`prev_hash`), and `seq` numbers the
-- rows 1, 2, 3… with no gaps. Changing a row breaks its own hash; deleting one breaks the link
-- of the row after it. The chain is made in the database (a BEFORE INSERT trigger), so the
-- audit triggers and the engine's own events are covered alike.
ALTER TABLE audit_log ADD COLUMN seq bigint, ADD COLUMN prev_hash text, ADD COLUMN hash text;

-- What retention cut off the head of the chain: the last deleted row's seq and hash, so the
-- first row kept can still be checked. The newest anchor is where verification starts.
CREATE TABLE audit_log_anchors (
  seq bigint PRIMARY KEY,
  hash text NOT NULL,
  rows_deleted bigint NOT NULL,
  swept_at timestamptz NOT NULL DEFAULT now()
);

-- The text a row's hash is taken over: a JSON array (so nulls and quotes cannot run fields
-- together) of every field but the hash itself. The time is written out in UTC and
-- details as jsonb's own text (keys sorted), so the text is the same in every session.
-- Verification calls this same function, so insert and check cannot disagree.
CREATE FUNCTION skypanel_audit_row_hash(a audit_log) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(jsonb_build_array(
    a.id, a.seq, to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    a.actor_id, a.team_id, a.app_id, a.action, a.target_type, a.target_id,
    a.details::text, a.ip, a.prev_hash
  )::text, 'UTF8')), 'hex')
$$;

-- The chain as it is now, rows in id order (the order they were written in).
DO $$
DECLARE
  r record;
  n bigint := 0;
  prev text := NULL;
BEGIN
  FOR r IN SELECT id FROM audit_log ORDER BY id LOOP
    n := n + 1;
    UPDATE audit_log SET seq = n, prev_hash = prev WHERE id = r.id;
    SELECT skypanel_audit_row_hash(a) INTO prev FROM audit_log a WHERE a.id = r.id;
    UPDATE audit_log SET hash = prev WHERE id = r.id;
  END LOOP;
END
$$;
ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
-- Unique: two writers can never both chain onto the same row (the lock below already prevents
-- it; a transaction in REPEATABLE READ that cannot see the newest row fails here instead of forking).
CREATE UNIQUE INDEX audit_log_seq_idx ON audit_log (seq);

-- Whatever a writer sends for seq, prev_hash and hash is replaced. The advisory lock (held to the
-- end of the transaction) makes concurrent writers chain one after another, in commit order.
CREATE FUNCTION skypanel_audit_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  last_seq bigint;
  last_hash text;
BEGIN
  PERFORM pg_advisory_xact_lock(7317023);
  SELECT seq, hash INTO last_seq, last_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
  IF NOT FOUND THEN
    -- Retention removed every row: the chain goes on from the last one removed.
    SELECT seq, hash INTO last_seq, last_hash FROM audit_log_anchors ORDER BY seq DESC LIMIT 1;
  END IF;
  NEW.seq := coalesce(last_seq, 0) + 1;
  NEW.prev_hash := last_hash;
  NEW.hash := skypanel_audit_row_hash(NEW);
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_chain();

-- Append-only: rows are never changed, and deleted only by the retention sweep below (which
-- turns skypanel.audit_retention on for itself alone). This stops the platform's own code and
-- honest mistakes, not a database superuser: one can disable these triggers and edit rows, and
-- that is what verification (the hash chain) is there to find.
CREATE FUNCTION skypanel_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('skypanel.audit_retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the audit log is append-only: % of audit_log rows is refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION skypanel_audit_append_only();

-- Retention: deletes the head of the chain up to the first row written at or after `cutoff`
-- (only whole prefixes, so the rows kept stay one unbroken chain) and anchors the rest on the
-- last row deleted. Returns how many rows went.
CREATE FUNCTION skypanel_audit_sweep(cutoff timestamptz) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  keep_from bigint;
  last_seq bigint;
  last_hash text;
  deleted bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(7317023);
  SELECT min(seq) INTO keep_from FROM audit_log WHERE created_at >= cutoff;
  SELECT seq, hash INTO last_seq, last_hash FROM audit_log
   WHERE keep_from IS NULL OR seq < keep_from ORDER BY seq DESC LIMIT 1;
  IF NOT FOUND THEN
    RETURN 0;
  END IF;
  PERFORM set_config('skypanel.audit_retention', 'on', true);
  DELETE FROM audit_log WHERE seq <= last_seq;
  GET DIAGNOSTICS deleted = ROW_COUNT;
  PERFORM set_config('skypanel.audit_retention', 'off', true);
  INSERT INTO audit_log_anchors (seq, hash, rows_deleted) VALUES (last_seq, last_hash, deleted);
  RETURN deleted;
END
$$;
