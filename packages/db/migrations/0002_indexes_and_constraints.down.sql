DROP INDEX users_email_key, memberships_user_idx, sessions_token_hash_key, sessions_expires_idx,
  api_tokens_token_hash_key, api_tokens_user_idx, applications_name_key, applications_team_idx,
  applications_team_created_idx, applications_team_updated_idx, builds_app_number_key,
  build_cache_key_key, build_cache_last_used_idx, releases_app_version_key,
  deployments_app_created_idx, deployments_history_app_created_idx, instances_app_status_idx,
  domains_hostname_key, domains_app_idx, addons_name_key, addons_app_idx, env_vars_app_key_key,
  scaling_policies_app_type_key, metrics_snapshots_app_taken_idx, audit_log_app_created_idx,
  audit_log_team_created_idx, audit_log_actor_created_idx, jobs_queue_idx;

ALTER TABLE users DROP CONSTRAINT users_email_check;
ALTER TABLE teams DROP CONSTRAINT teams_name_check;
ALTER TABLE memberships DROP CONSTRAINT memberships_team_fk, DROP CONSTRAINT memberships_user_fk,
  DROP CONSTRAINT memberships_role_check;
ALTER TABLE sessions DROP CONSTRAINT sessions_user_fk;
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_user_fk;
ALTER TABLE applications DROP CONSTRAINT applications_current_release_fk;
ALTER TABLE deployments DROP CONSTRAINT deployments_app_fk, DROP CONSTRAINT deployments_release_fk,
  DROP CONSTRAINT deployments_created_by_fk, DROP CONSTRAINT deployments_strategy_check,
  DROP CONSTRAINT deployments_status_check;
ALTER TABLE deployments_history DROP CONSTRAINT deployments_history_app_fk,
  DROP CONSTRAINT deployments_history_deployment_fk, DROP CONSTRAINT deployments_history_release_fk,
  DROP CONSTRAINT deployments_history_actor_fk;
ALTER TABLE instances DROP CONSTRAINT instances_app_fk, DROP CONSTRAINT instances_release_fk,
  DROP CONSTRAINT instances_status_check, DROP CONSTRAINT instances_health_check,
  DROP CONSTRAINT instances_restart_count_check;
ALTER TABLE metrics_snapshots DROP CONSTRAINT metrics_snapshots_app_fk, DROP CONSTRAINT metrics_snapshots_instance_fk;
ALTER TABLE releases DROP CONSTRAINT releases_app_fk, DROP CONSTRAINT releases_build_fk,
  DROP CONSTRAINT releases_created_by_fk, DROP CONSTRAINT releases_version_check;
ALTER TABLE builds DROP CONSTRAINT builds_app_fk, DROP CONSTRAINT builds_created_by_fk,
  DROP CONSTRAINT builds_status_check;
ALTER TABLE build_cache DROP CONSTRAINT build_cache_app_fk;
ALTER TABLE domains DROP CONSTRAINT domains_app_fk;
ALTER TABLE addons DROP CONSTRAINT addons_app_fk;
ALTER TABLE env_vars DROP CONSTRAINT env_vars_app_fk, DROP CONSTRAINT env_vars_key_check;
ALTER TABLE scaling_policies DROP CONSTRAINT scaling_policies_app_fk, DROP CONSTRAINT scaling_policies_bounds_check,
  DROP CONSTRAINT scaling_policies_cooldown_check;
ALTER TABLE applications DROP CONSTRAINT applications_team_fk, DROP CONSTRAINT applications_created_by_fk,
  DROP CONSTRAINT applications_name_check, DROP CONSTRAINT applications_status_check;
ALTER TABLE jobs DROP CONSTRAINT jobs_status_check, DROP CONSTRAINT jobs_attempts_check;
