-- 0030: leadership among control planes sharing this database (engine/leadership). The leader
-- runs the job queue, the reconcilers and the schedulers; it renews its row every few seconds,
-- and another control plane takes the row over (one INSERT … ON CONFLICT … WHERE expired) once
-- expires_at has passed. Not audited: a renewal every few seconds is not a change anyone made.
CREATE TABLE control_plane_leases (
  name text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
  holder text NOT NULL CHECK (length(holder) BETWEEN 1 AND 300),
  expires_at timestamptz NOT NULL,
  acquired_at timestamptz NOT NULL DEFAULT now(),
  renewed_at timestamptz NOT NULL DEFAULT now()
);
