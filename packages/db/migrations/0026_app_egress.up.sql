-- 0026: what an app's instances may reach outside the platform. No row: nothing (deny).
-- allow: anything but the host and other instances; allowlist: only the networks and ports in
-- rules, each { "cidr": "198.51.100.0/24", "ports": { "from": 443, "to": 443 } | null }.
CREATE TABLE app_egress (
  app_id uuid PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
  mode text NOT NULL CHECK (mode IN ('deny', 'allow', 'allowlist')),
  rules jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(rules) = 'array' AND jsonb_array_length(rules) <= 64),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER app_egress_audit AFTER INSERT OR UPDATE OR DELETE ON app_egress
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();
