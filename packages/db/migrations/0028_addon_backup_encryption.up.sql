-- 0028: add-on backups encrypted at rest and copied to S3. Each file has its own random data key,
-- kept here sealed (AES-256-GCM, context `addon-backup:<id>`) under the keyring key `key_id`:
-- rotating the master key re-seals these few bytes, never the dump files. A row without a key is
-- a plain dump from before 0028. remote_key is the object's key in the S3 bucket, once uploaded.
ALTER TABLE addon_backups
  ADD COLUMN data_key bytea,
  ADD COLUMN data_key_nonce bytea,
  ADD COLUMN key_id text REFERENCES encryption_keys (id),
  ADD COLUMN remote_key text,
  ADD COLUMN remote_error text,
  ADD CONSTRAINT addon_backups_data_key_whole CHECK ((data_key IS NULL) = (key_id IS NULL) AND (data_key IS NULL) = (data_key_nonce IS NULL));
