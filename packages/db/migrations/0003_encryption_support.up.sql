-- 0003: config values are stored only as AES-256-GCM ciphertext. The key material lives in
-- key files under $SKYPANEL_HOME; the database records key ids so rotation can find every
-- value sealed by an old key.
CREATE TABLE encryption_keys (
  id text PRIMARY KEY,
  algorithm text NOT NULL DEFAULT 'aes-256-gcm',
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz,
  CONSTRAINT encryption_keys_id_check CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  CONSTRAINT encryption_keys_algorithm_check CHECK (algorithm = 'aes-256-gcm')
);

ALTER TABLE env_vars
  ADD COLUMN ciphertext bytea NOT NULL,
  ADD COLUMN nonce bytea NOT NULL,
  ADD COLUMN key_id text NOT NULL,
  ADD CONSTRAINT env_vars_key_id_fk FOREIGN KEY (key_id) REFERENCES encryption_keys (id),
  -- A GCM nonce is 96 bits; the ciphertext carries its 16-byte tag, so it is never shorter.
  ADD CONSTRAINT env_vars_nonce_check CHECK (octet_length(nonce) = 12),
  ADD CONSTRAINT env_vars_ciphertext_check CHECK (octet_length(ciphertext) >= 16);
CREATE INDEX env_vars_key_id_idx ON env_vars (key_id);
