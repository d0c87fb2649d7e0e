-- 0001: the control plane's base tables. Keys, checks and indexes come in 0002.
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  name text,
  password_hash text NOT NULL,
  is_admin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE teams (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  personal boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
  team_id uuid NOT NULL,
  user_id uuid NOT NULL,
  role text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team_id, user_id)
);

CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  token_hash text NOT NULL,
  csrf_token text NOT NULL,
  user_agent text,
  ip text,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL,
  name text NOT NULL,
  token_hash text NOT NULL,
  prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  expires_at timestamptz
);

CREATE TABLE applications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id uuid NOT NULL,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  stack text,
  status text NOT NULL DEFAULT 'idle',
  current_release_id uuid,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE builds (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id uuid NOT NULL,
  number integer NOT NULL,
  status text NOT NULL DEFAULT 'queued',
  source_type text NOT NULL,
  source_ref text,
  commit_sha text,
  plan jsonb,
  store_path text,
  closure_bytes bigint,
  cache_hit boolean,
  error text,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);

CREATE TABLE build_cache (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id uuid,
  cache_key text NOT NULL,
  store_path text NOT NULL,
  size_bytes bigint NOT NULL DEFAULT 0,
  hits integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE releases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id uuid NOT NULL,
  version integer NOT NULL,
  build_id uuid,
  config_snapshot jsonb NOT NULL DEFAULT '{}',
  description text NOT NULL DEFAULT '',
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE deployments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id uuid NOT NULL,
  release_id uuid NOT NULL,
  strategy text NOT NULL DEFAULT 'rolling',
  status text NOT NULL DEFAULT 'pending',
  steps jsonb NOT NULL DEFAULT '[]',
  error text,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz
);

CREATE TABLE deployments_history (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id uuid NOT NULL,
  deployment_id uuid,
  release_id uuid,
  action text NOT NULL,
  outcome text NOT NULL,
  actor_id uuid,
  duration_ms integer,
  details jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE instances (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id uuid NOT NULL,
  release_id uuid,
  process_type text NOT NULL DEFAULT 'web',
  status text NOT NULL DEFAULT 'starting',
  health_status text NOT NULL DEFAULT 'unknown',
  host text,
  port integer,
  pid integer,
  cpu_percent double precision,
  memory_bytes bigint,
  resource_usage jsonb NOT NULL DEFAULT '{}',
  restart_count integer NOT NULL DEFAULT 0,
  last_health_check_at timestamptz,
  exit_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  stopped_at timestamptz
);

CREATE TABLE domains (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id uuid NOT NULL,
  hostname text NOT NULL,
  dns_target text,
  dns_status text NOT NULL DEFAULT 'unchecked',
  tls_status text NOT NULL DEFAULT 'none',
  cert_expires_at timestamptz,
  error text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE addons (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id uuid NOT NULL,
  name text NOT NULL,
  type text NOT NULL,
  plan text NOT NULL,
  status text NOT NULL DEFAULT 'provisioning',
  details jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE env_vars (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id uuid NOT NULL,
  key text NOT NULL,
  is_secret boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE scaling_policies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id uuid NOT NULL,
  process_type text NOT NULL DEFAULT 'web',
  enabled boolean NOT NULL DEFAULT false,
  min_instances integer NOT NULL DEFAULT 1,
  max_instances integer NOT NULL DEFAULT 1,
  target_cpu_percent double precision,
  target_memory_percent double precision,
  target_requests_per_second double precision,
  cooldown_seconds integer NOT NULL DEFAULT 300,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE metrics_snapshots (
  id bigserial PRIMARY KEY,
  app_id uuid NOT NULL,
  instance_id uuid,
  process_type text,
  taken_at timestamptz NOT NULL DEFAULT now(),
  cpu_percent double precision,
  memory_bytes bigint,
  net_rx_bytes bigint,
  net_tx_bytes bigint,
  request_count bigint,
  response_time_p50_ms double precision,
  response_time_p95_ms double precision
);

CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  actor_id uuid,
  team_id uuid,
  app_id uuid,
  action text NOT NULL,
  target_type text NOT NULL,
  target_id text,
  details jsonb NOT NULL DEFAULT '{}',
  ip text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL,
  status text NOT NULL DEFAULT 'queued',
  payload jsonb NOT NULL DEFAULT '{}',
  result jsonb,
  error text,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 1,
  run_at timestamptz NOT NULL DEFAULT now(),
  locked_by text,
  locked_at timestamptz,
  heartbeat_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
