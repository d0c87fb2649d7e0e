ALTER TABLE addon_backups
  DROP CONSTRAINT addon_backups_data_key_whole,
  DROP COLUMN remote_error,
  DROP COLUMN remote_key,
  DROP COLUMN key_id,
  DROP COLUMN data_key_nonce,
  DROP COLUMN data_key;
