-- 0031: pipelines (engine/pipelines). A pipeline groups a team's apps into stages; promotion
-- deploys the exact build (the same Nix store path) of one stage's app to the next stage's app
-- as a new release of kind 'promotion'. Review apps are apps made per branch or pull request,
-- named after the pipeline, destroyed on close or after a time to live.
CREATE TABLE pipelines (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id uuid NOT NULL REFERENCES teams (id) ON DELETE RESTRICT,
  -- The app name rule (review apps are named <pipeline>-pr-<n> / <pipeline>-<branch>, cut to 30).
  name text NOT NULL CHECK (name ~ '^[a-z][a-z0-9-]{1,28}[a-z0-9]$'),
  -- Review apps: off until turned on; config copied from the parent app (a development or
  -- staging app of this pipeline) plus app.json env; add-ons from app.json made per review app.
  review_enabled boolean NOT NULL DEFAULT false,
  review_parent_app_id uuid REFERENCES applications (id) ON DELETE SET NULL,
  review_addons boolean NOT NULL DEFAULT true,
  review_max_apps integer NOT NULL DEFAULT 5 CHECK (review_max_apps BETWEEN 1 AND 100),
  -- When the pipeline holds review_max_apps already: refuse the new one, or destroy the oldest.
  review_when_full text NOT NULL DEFAULT 'refuse_newest' CHECK (review_when_full IN ('refuse_newest', 'destroy_oldest')),
  -- Destroyed this long after their last deploy; null: only on close.
  review_ttl_seconds integer CHECK (review_ttl_seconds BETWEEN 3600 AND 31536000),
  -- Where review apps are built from when a request names no source: a git URL (else the
  -- parent app's own repository, which `git push <parent> review/<name>` fills).
  review_repository text CHECK (length(review_repository) <= 2048),
  -- The webhook's HMAC secret (X-Hub-Signature-256), sealed like config values; null: no webhook.
  webhook_secret bytea,
  webhook_nonce bytea,
  webhook_key_id text,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (num_nulls(webhook_secret, webhook_nonce, webhook_key_id) IN (0, 3))
);
CREATE UNIQUE INDEX pipelines_name_idx ON pipelines (name);
CREATE INDEX pipelines_team_idx ON pipelines (team_id);
CREATE TRIGGER pipelines_audit AFTER INSERT OR UPDATE OR DELETE ON pipelines
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change('webhook_secret', 'webhook_nonce');

-- An app is in at most one pipeline, at one stage (review apps sit at 'review').
CREATE TABLE pipeline_apps (
  app_id uuid PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
  pipeline_id uuid NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
  stage text NOT NULL CHECK (stage IN ('review', 'development', 'staging', 'production')),
  added_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pipeline_apps_pipeline_idx ON pipeline_apps (pipeline_id, stage);
CREATE TRIGGER pipeline_apps_audit AFTER INSERT OR UPDATE OR DELETE ON pipeline_apps
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();

-- One review app per pipeline and branch (a pull request's head branch, or review/<name>).
-- The row outlives its app (status 'destroyed', app_id null) as history.
CREATE TABLE review_apps (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  pipeline_id uuid NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
  app_id uuid REFERENCES applications (id) ON DELETE SET NULL,
  branch text NOT NULL CHECK (length(branch) BETWEEN 1 AND 255),
  pr_number integer CHECK (pr_number > 0),
  -- Where it builds from and what it last built.
  source_url text CHECK (length(source_url) <= 2048),
  head_sha text CHECK (head_sha ~ '^[0-9a-f]{40}([0-9a-f]{24})?$'),
  -- How it was asked for.
  origin text NOT NULL CHECK (origin IN ('api', 'cli', 'push', 'webhook')),
  status text NOT NULL DEFAULT 'creating'
    CHECK (status IN ('creating', 'deploying', 'deployed', 'failed', 'destroying', 'destroyed')),
  error text,
  -- What making it has made so far (app, build, deployment, postdeploy run), so a restart resumes.
  made jsonb NOT NULL DEFAULT '{}',
  expires_at timestamptz,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  destroyed_at timestamptz
);
-- Only one live review app per branch; destroyed ones stay as history.
CREATE UNIQUE INDEX review_apps_live_branch_idx ON review_apps (pipeline_id, branch) WHERE status <> 'destroyed';
CREATE INDEX review_apps_pipeline_idx ON review_apps (pipeline_id, created_at);
CREATE INDEX review_apps_expiry_idx ON review_apps (expires_at) WHERE status <> 'destroyed' AND expires_at IS NOT NULL;
CREATE TRIGGER review_apps_audit AFTER INSERT OR UPDATE OR DELETE ON review_apps
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();

-- A promotion is a release of its own kind, naming the release it copied the build of.
ALTER TABLE releases DROP CONSTRAINT releases_kind_check;
ALTER TABLE releases
  ADD CONSTRAINT releases_kind_check CHECK (kind IN ('build', 'config', 'rollback', 'promotion')),
  ADD COLUMN promoted_from_release_id uuid REFERENCES releases (id) ON DELETE SET NULL;
