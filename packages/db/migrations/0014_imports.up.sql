-- 0014: imports: an app brought in from Heroku, from another SkyPanel's export, or set up from a
-- source's app.json. A durable, resumable sequence of steps, with what it made (for rollback).
CREATE TABLE imports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('heroku', 'archive', 'app-json')),
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed', 'rolled_back')),
  -- The app it makes: set once made, cleared when a rollback removes it (the name stays).
  app_id uuid REFERENCES applications (id) ON DELETE SET NULL,
  app_name text NOT NULL CHECK (length(app_name) BETWEEN 1 AND 64),
  team_id uuid REFERENCES teams (id) ON DELETE SET NULL,
  -- Where it comes from, in words.
  source text NOT NULL CHECK (length(source) BETWEEN 1 AND 300),
  -- What the user chose (Heroku app, source, add-ons whose data comes): never a value or a token.
  options jsonb NOT NULL DEFAULT '{}',
  -- The plan it runs (keys and names only, never values).
  plan jsonb,
  steps jsonb NOT NULL DEFAULT '[]',
  -- What it made (app, add-ons, domains, builds), so a rollback removes exactly that.
  made jsonb NOT NULL DEFAULT '{}',
  dns jsonb NOT NULL DEFAULT '[]',
  url text,
  error text,
  -- The Heroku token or the archive's passphrase, sealed under the platform's key, kept only
  -- while the import runs (a restart resumes it) and cleared when it ends.
  secret jsonb,
  job_id uuid,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX imports_created_by ON imports (created_by, created_at DESC);
-- Every change (each step, the end, a rollback) is audited; the sealed secret never is, nor the
-- options (an archive's whole manifest, which would be copied into every step's audit row; `source`
-- says where the import comes from).
CREATE TRIGGER imports_audit AFTER INSERT OR UPDATE ON imports
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change('secret', 'options');
