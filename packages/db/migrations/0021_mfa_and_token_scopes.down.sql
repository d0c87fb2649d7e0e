ALTER TABLE teams DROP COLUMN mfa_required;
ALTER TABLE api_tokens DROP COLUMN scope;
DROP TABLE mfa_challenges;
DROP TABLE mfa_recovery_codes;
DROP TABLE user_mfa;
