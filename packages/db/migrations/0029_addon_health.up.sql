-- 0029: what the periodic add-on health check last saw of each add-on's server. No row: not
-- checked yet. Written by the platform, not by people, so it is not in the audit log.
CREATE TABLE addon_health (
  addon_id uuid PRIMARY KEY REFERENCES addons (id) ON DELETE CASCADE,
  state text NOT NULL CHECK (state IN ('healthy', 'degraded')),
  -- Why it is degraded (the connection's error), null when healthy.
  reason text,
  checked_at timestamptz NOT NULL,
  -- When the state last changed (the start of the outage, or of the recovery).
  changed_at timestamptz NOT NULL
);
