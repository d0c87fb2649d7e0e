-- 0025: each app's traffic protection at the router. No row, or a null limit: unlimited.
-- requests_per_minute and burst: a token bucket per client address (burst null: as many as
-- requests_per_minute); max_concurrent_requests: requests in flight per client address;
-- max_body_bytes: request bodies larger than this are refused (413); waf_mode: the OWASP Core
-- Rule Set off, logging matches (detect) or refusing them (block).
CREATE TABLE app_traffic_policies (
  app_id uuid PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
  requests_per_minute integer CHECK (requests_per_minute BETWEEN 1 AND 1000000),
  burst integer CHECK (burst BETWEEN 1 AND 1000000),
  max_concurrent_requests integer CHECK (max_concurrent_requests BETWEEN 1 AND 100000),
  max_body_bytes bigint CHECK (max_body_bytes BETWEEN 1024 AND 10737418240),
  waf_mode text NOT NULL DEFAULT 'off' CHECK (waf_mode IN ('off', 'detect', 'block')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT app_traffic_policies_burst_needs_rate CHECK (burst IS NULL OR requests_per_minute IS NOT NULL)
);
CREATE TRIGGER app_traffic_policies_audit AFTER INSERT OR UPDATE OR DELETE ON app_traffic_policies
  FOR EACH ROW EXECUTE FUNCTION skypanel_audit_row_change();
