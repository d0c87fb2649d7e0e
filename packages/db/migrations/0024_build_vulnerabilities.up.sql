-- 0024: vulnerability scanning on every build. What each ecosystem's scan found (or why it could
-- not look), the findings themselves, and the team policy that blocks deploys of builds with
-- critical findings. Written by the platform, not by users, so the scan tables carry no audit
-- trigger; the team column is covered by teams_audit, so turning the policy on or off is audited.
CREATE TABLE build_vulnerability_scans (
  build_id uuid NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
  ecosystem text NOT NULL CHECK (ecosystem IN ('npm', 'PyPI', 'Go', 'other')),
  status text NOT NULL CHECK (status IN ('clean', 'findings', 'not_checked')),
  -- Why it was not checked, or what was left out ("3 packages could not be looked up").
  reason text,
  -- The lockfile the packages were read from (null: none).
  lockfile text,
  packages integer NOT NULL DEFAULT 0 CHECK (packages >= 0),
  scanned_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (build_id, ecosystem)
);

CREATE TABLE build_vulnerabilities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  build_id uuid NOT NULL REFERENCES builds (id) ON DELETE CASCADE,
  ecosystem text NOT NULL CHECK (ecosystem IN ('npm', 'PyPI', 'Go')),
  package text NOT NULL CHECK (length(package) BETWEEN 1 AND 214),
  version text NOT NULL CHECK (length(version) BETWEEN 1 AND 128),
  advisory_id text NOT NULL CHECK (length(advisory_id) BETWEEN 1 AND 128),
  url text,
  title text NOT NULL DEFAULT '',
  -- Null when the source rates none (PyPI's and Go's data carry no severity).
  severity text CHECK (severity IN ('critical', 'high', 'moderate', 'low')),
  fixed_in text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX build_vulnerabilities_build_idx ON build_vulnerabilities (build_id);

-- Team owners and admins may refuse deploys of builds with critical findings (override: a reason).
ALTER TABLE teams ADD COLUMN block_critical_deploys boolean NOT NULL DEFAULT false;
