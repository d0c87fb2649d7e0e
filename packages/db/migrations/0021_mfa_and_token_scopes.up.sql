-- 0021: TOTP multi-factor sign-in, recovery codes, and scoped API tokens.
-- A user's TOTP secret, sealed under the platform's key like config vars. A row with no
-- enabled_at is an enrolment not yet confirmed with a code; it does not guard sign-in.
CREATE TABLE user_mfa (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  totp_secret bytea NOT NULL,
  totp_secret_nonce bytea NOT NULL,
  totp_secret_key_id text NOT NULL REFERENCES encryption_keys (id),
  enabled_at timestamptz,
  -- The last 30-second step a code was accepted for: a code for it or an earlier one is a replay.
  last_used_step bigint,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Single-use codes for when the authenticator is lost; only their SHA-256 is kept.
CREATE TABLE mfa_recovery_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mfa_recovery_codes_user_idx ON mfa_recovery_codes (user_id);

-- The second step of a sign-in: made after a right password, traded with a code for a session.
-- Kept in the database so every control plane sees the same guess count.
CREATE TABLE mfa_challenges (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  attempts integer NOT NULL DEFAULT 0,
  user_agent text,
  ip text,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mfa_challenges_expires_idx ON mfa_challenges (expires_at);

-- Tokens made before scopes existed could do everything, so they stay `admin`; new tokens
-- name their scope (no default, so no insert gets `admin` by accident).
ALTER TABLE api_tokens ADD COLUMN scope text NOT NULL DEFAULT 'admin' CHECK (scope IN ('read', 'deploy', 'admin'));
ALTER TABLE api_tokens ALTER COLUMN scope DROP DEFAULT;

-- A team whose owners and admins require every member to sign in with a second factor.
ALTER TABLE teams ADD COLUMN mfa_required boolean NOT NULL DEFAULT false;
