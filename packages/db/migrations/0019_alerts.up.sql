-- 0019: alerts. An app's rules (a condition on its metrics, instances, deploys, certificates or
-- autoscaler, and the channels to tell), its team's notification channels, and the history of
-- each rule's firing and resolving with what every channel answered.
CREATE TABLE alert_channels (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  type text NOT NULL CHECK (type IN ('webhook', 'email', 'slack')),
  -- What the dashboard may show of the target (a URL's host, the recipients), never a secret.
  summary text NOT NULL DEFAULT '',
  -- The target and its secrets (URL, signing secret, SMTP URL) as JSON, sealed like config vars.
  config bytea NOT NULL,
  config_nonce bytea NOT NULL,
  config_key_id text NOT NULL REFERENCES encryption_keys (id),
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (team_id, name)
);
CREATE TRIGGER alert_channels_audit AFTER INSERT OR UPDATE OR DELETE ON alert_channels
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change('config', 'config_nonce');

CREATE TABLE alert_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  app_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('latency_p95', 'error_rate_5xx', 'memory', 'crash_loop', 'instance_down',
                                     'deploy_failed', 'certificate', 'autoscaler_max')),
  -- ms for latency, % for the error rate and memory, days for certificates; null for the others.
  threshold double precision,
  -- How long the condition must hold (latency, memory, instance down) or the window it is measured over (errors).
  duration_seconds integer NOT NULL DEFAULT 300 CHECK (duration_seconds BETWEEN 0 AND 86400),
  enabled boolean NOT NULL DEFAULT true,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_rules_app_idx ON alert_rules (app_id);
CREATE TRIGGER alert_rules_audit AFTER INSERT OR UPDATE OR DELETE ON alert_rules
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();

-- Which channels a rule tells; a channel removed drops out of every rule.
CREATE TABLE alert_rule_channels (
  rule_id uuid NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
  channel_id uuid NOT NULL REFERENCES alert_channels (id) ON DELETE CASCADE,
  PRIMARY KEY (rule_id, channel_id)
);
CREATE INDEX alert_rule_channels_channel_idx ON alert_rule_channels (channel_id);

-- The history: a rule firing or resolving, written by the platform (not audited: no user did it).
-- A rule's state is its newest event's; the rule and kind stay readable after the rule is removed.
CREATE TABLE alert_events (
  id bigserial PRIMARY KEY,
  app_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  rule_id uuid REFERENCES alert_rules (id) ON DELETE SET NULL,
  kind text NOT NULL,
  state text NOT NULL CHECK (state IN ('firing', 'resolved')),
  value double precision,
  message text NOT NULL,
  -- One entry per channel told: { channelId, name, type, ok, attempts, error?, at }.
  deliveries jsonb NOT NULL DEFAULT '[]',
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_events_app_idx ON alert_events (app_id, at DESC, id DESC);
CREATE INDEX alert_events_rule_idx ON alert_events (rule_id, id DESC);
