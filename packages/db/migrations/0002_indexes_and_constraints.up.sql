-- 0002: foreign keys, value checks, uniqueness and the indexes the queries use.

-- users, teams, memberships
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email ~ '^[^@\s]+@[^@\s]+$' AND length(email) <= 254);
ALTER TABLE teams ADD CONSTRAINT teams_name_check CHECK (length(name) BETWEEN 1 AND 100);
ALTER TABLE memberships
  ADD CONSTRAINT memberships_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE,
  ADD CONSTRAINT memberships_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  ADD CONSTRAINT memberships_role_check CHECK (role IN ('owner', 'admin', 'member', 'viewer'));
CREATE INDEX memberships_user_idx ON memberships (user_id);

-- sessions, api tokens
ALTER TABLE sessions ADD CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
CREATE UNIQUE INDEX sessions_token_hash_key ON sessions (token_hash);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
CREATE UNIQUE INDEX api_tokens_token_hash_key ON api_tokens (token_hash);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- applications: Heroku's name rule, enforced here as well as in the engine
ALTER TABLE applications
  ADD CONSTRAINT applications_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE RESTRICT,
  ADD CONSTRAINT applications_created_by_fk FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
  ADD CONSTRAINT applications_name_check CHECK (name ~ '^[a-z][a-z0-9-]{1,28}[a-z0-9]$'),
  ADD CONSTRAINT applications_status_check
    CHECK (status IN ('idle', 'building', 'deploying', 'running', 'crashed', 'stopped'));
CREATE UNIQUE INDEX applications_name_key ON applications (name);
CREATE INDEX applications_team_idx ON applications (team_id, name);
CREATE INDEX applications_team_created_idx ON applications (team_id, created_at);
CREATE INDEX applications_team_updated_idx ON applications (team_id, updated_at);

-- builds and the build cache
ALTER TABLE builds
  ADD CONSTRAINT builds_app_fk FOREIGN KEY (app_id) REFERENCES applications (id) ON DELETE CASCADE,
  ADD CONSTRAINT builds_created_by_fk FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
  ADD CONSTRAINT builds_status_check CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled'));
CREATE UNIQUE INDEX builds_app_number_key ON builds (app_id, number);
ALTER TABLE build_cache ADD CONSTRAINT build_cache_app_fk FOREIGN KEY (app_id) REFERENCES applications (id) ON DELETE CASCADE;
CREATE UNIQUE INDEX build_cache_key_key ON build_cache (cache_key);
CREATE INDEX build_cache_last_used_idx ON build_cache (last_used_at);

-- releases, deployments, history
ALTER TABLE releases
  ADD CONSTRAINT releases_app_fk FOREIGN KEY (app_id) REFERENCES applications (id) ON DELETE CASCADE,
  ADD CONSTRAINT releases_build_fk FOREIGN KEY (build_id) REFERENCES builds (id) ON DELETE SET NULL,
  ADD CONSTRAINT releases_created_by_fk FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
  ADD CONSTRAINT releases_version_check CHECK (version > 0);
CREATE UNIQUE INDEX releases_app_version_key ON releases (app_id, version);
ALTER TABLE applications
  ADD CONSTRAINT applications_current_release_fk FOREIGN KEY (current_release_id) REFERENCES releases (id) ON DELETE SET NULL;
ALTER TABLE deployments
  ADD CONSTRAINT deployments_app_fk FOREIGN KEY (app_id) REFERENCES applications (id) ON DELETE CASCADE,
  ADD CONSTRAINT deployments_release_fk FOREIGN KEY (release_id) REFERENCES releases (id) ON DELETE CASCADE,
  ADD CONSTRAINT deployments_created_by_fk FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL,
  ADD CONSTRAINT deployments_strategy_check CHECK (strategy IN ('rolling', 'blue_green', 'canary')),
  ADD CONSTRAINT deployments_status_check
    CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled', 'rolled_back'));
CREATE INDEX deployments_app_created_idx ON deployments (app_id, created_at DESC);
ALTER TABLE deployments_history
  ADD CONSTRAINT deployments_history_app_fk FOREIGN KEY (app_id) REFERENCES applications (id) ON DELETE CASCADE,
  ADD CONSTRAINT deployments_history_deployment_fk FOREIGN KEY (deployment_id) REFERENCES deployments (id) ON DELETE SET NULL,
  ADD CONSTRAINT deployments_history_release_fk FOREIGN KEY (release_id) REFERENCES releases (id) ON DELETE SET NULL,
  ADD CONSTRAINT deployments_history_actor_fk FOREIGN KEY (actor_id) REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX deployments_history_app_created_idx ON deployments_history (app_id, created_at DESC);

-- instances
ALTER TABLE instances
  ADD CONSTRAINT instances_app_fk FOREIGN KEY (app_id) REFERENCES applications (id) ON DELETE CASCADE,
  ADD CONSTRAINT instances_release_fk FOREIGN KEY (release_id) REFERENCES releases (id) ON DELETE SET NULL,
  ADD CONSTRAINT instances_status_check CHECK (status IN ('starting', 'running', 'stopping', 'stopped', 'failed')),
  ADD CONSTRAINT instances_health_check CHECK (health_status IN ('unknown', 'healthy', 'unhealthy')),
  ADD CONSTRAINT instances_restart_count_check CHECK (restart_count >= 0);
CREATE INDEX instances_app_status_idx ON instances (app_id, status);

-- domains, add-ons
ALTER TABLE domains ADD CONSTRAINT domains_app_fk FOREIGN KEY (app_id) REFERENCES applications (id) ON DELETE CASCADE;
CREATE UNIQUE INDEX domains_hostname_key ON domains (lower(hostname));
CREATE INDEX domains_app_idx ON domains (app_id);
ALTER TABLE addons ADD CONSTRAINT addons_app_fk FOREIGN KEY (app_id) REFERENCES applications (id) ON DELETE CASCADE;
CREATE UNIQUE INDEX addons_name_key ON addons (name);
CREATE INDEX addons_app_idx ON addons (app_id);

-- config vars: POSIX names, one value per key per app
ALTER TABLE env_vars
  ADD CONSTRAINT env_vars_app_fk FOREIGN KEY (app_id) REFERENCES applications (id) ON DELETE CASCADE,
  ADD CONSTRAINT env_vars_key_check CHECK (key ~ '^[A-Za-z_][A-Za-z0-9_]*$' AND length(key) <= 255);
CREATE UNIQUE INDEX env_vars_app_key_key ON env_vars (app_id, key);

-- scaling policies
ALTER TABLE scaling_policies
  ADD CONSTRAINT scaling_policies_app_fk FOREIGN KEY (app_id) REFERENCES applications (id) ON DELETE CASCADE,
  ADD CONSTRAINT scaling_policies_bounds_check CHECK (min_instances >= 0 AND max_instances >= min_instances),
  ADD CONSTRAINT scaling_policies_cooldown_check CHECK (cooldown_seconds >= 0);
CREATE UNIQUE INDEX scaling_policies_app_type_key ON scaling_policies (app_id, process_type);

-- metrics, audit, jobs
ALTER TABLE metrics_snapshots
  ADD CONSTRAINT metrics_snapshots_app_fk FOREIGN KEY (app_id) REFERENCES applications (id) ON DELETE CASCADE,
  ADD CONSTRAINT metrics_snapshots_instance_fk FOREIGN KEY (instance_id) REFERENCES instances (id) ON DELETE SET NULL;
CREATE INDEX metrics_snapshots_app_taken_idx ON metrics_snapshots (app_id, taken_at);
CREATE INDEX audit_log_app_created_idx ON audit_log (app_id, created_at DESC);
CREATE INDEX audit_log_team_created_idx ON audit_log (team_id, created_at DESC);
CREATE INDEX audit_log_actor_created_idx ON audit_log (actor_id, created_at DESC);
ALTER TABLE jobs
  ADD CONSTRAINT jobs_status_check CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  ADD CONSTRAINT jobs_attempts_check CHECK (attempts >= 0 AND max_attempts >= 1);
CREATE INDEX jobs_queue_idx ON jobs (status, run_at);
