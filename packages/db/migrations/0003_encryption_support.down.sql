DROP INDEX env_vars_key_id_idx;
ALTER TABLE env_vars DROP COLUMN ciphertext, DROP COLUMN nonce, DROP COLUMN key_id;
DROP TABLE encryption_keys;
