DROP TABLE jobs, audit_log, metrics_snapshots, scaling_policies, env_vars, addons, domains,
  instances, deployments_history, deployments, releases, build_cache, builds, applications,
  api_tokens, sessions, memberships, teams, users;
