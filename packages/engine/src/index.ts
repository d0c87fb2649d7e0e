// The platform itself. No HTTP here: the BFF and the CLI call these functions.
export type { Actor } from "./actor.ts";
export { localAddonServers } from "./addons/index.ts";
export {
  ALERT_KIND_SPECS,
  type AlertChannel,
  type AlertRule,
  MAX_DURATION_SECONDS as ALERT_MAX_DURATION_SECONDS,
  SIGNATURE_HEADER as ALERT_SIGNATURE_HEADER,
  TIMESTAMP_HEADER as ALERT_TIMESTAMP_HEADER,
  verifySignature as verifyAlertSignature,
} from "./alerts/index.ts";
export { APP_NAME_RULE, type AppListQuery, checkAppName, MAX_PER_PAGE } from "./apps/index.ts";
export { AUDIT_EXPORT_DEFAULT_ROWS, AUDIT_EXPORT_MAX_ROWS, type AuditExportQuery } from "./audit/index.ts";
export {
  type Authenticated,
  type ClientMeta,
  LOGIN_LIMITS,
  type LoginResult,
  MFA_CHALLENGE_TTL_MS,
  type MfaChallenge,
  memoryRateLimiter,
  type RateLimiter,
  REFUSALS_KEPT_PER_MINUTE,
  SESSION_TTL_MS,
  type SessionInfo,
  sameSecret,
} from "./auth/index.ts";
export { AUTOSCALER_DEFAULTS, type AutoscaleBody, type AutoscalerOptions } from "./autoscale/index.ts";
export {
  BUILD_NETWORK_SETTINGS,
  type BuildNetwork,
  BuildNotFoundError,
  buildNetwork,
  DEFAULT_BUILD_NETWORK,
  DEFAULT_SCAN_SETTINGS,
  DEFAULT_VULNERABILITY_SOURCES,
  type LogLine,
  type NewBuildSource,
  type ScanSettings,
  type VulnerabilityReport,
  type VulnerabilitySources,
  WorkRootError,
} from "./builds/index.ts";
export { type AppConfig, CONFIG_KEY_RULE, type ConfigVar } from "./config-vars/index.ts";
export { OVERRIDE_REASON_MAX, type PushOutcome, STRATEGIES, type Strategy } from "./deploy/index.ts";
export type { BuildPlan } from "./detect/plan.ts";
export type { EgressView } from "./egress/index.ts";
export { createEngine, type Engine, type EngineOptions } from "./engine.ts";
export * from "./errors.ts";
export type { PlatformEvent, ResyncEvent, SequencedEvent, StateEvent } from "./events/index.ts";
export { type EventBus, openSharedRedis, redisConnector, type SharedRedis, type SharedRedisSettings } from "./events/index.ts";
export { HEALTH_CHECK_TYPES, type HealthCheckSettings } from "./health/index.ts";
export * from "./imports/index.ts";
export { MAINTENANCE_BOUNDS, type MaintenanceView } from "./maintenance/index.ts";
export {
  createRequestCollector,
  type EmbeddedPrometheus,
  EmbeddedPrometheusError,
  type EmbeddedPrometheusSettings,
  embeddedPrometheusPaths,
  keptScrapeToken,
  type PlatformMetrics,
  PrometheusUnavailableError,
  startEmbeddedPrometheus,
} from "./metrics/index.ts";
export {
  isOutboundAllowEntry,
  loopbackOutboundPolicy,
  OUTBOUND_ALLOW_SETTING,
  type OutboundPolicy,
  OutboundRefusedError,
  outboundPolicy,
} from "./net/index.ts";
export {
  ATTACH_WITHIN_MS,
  DEFAULT_TIMEOUT_SECONDS as ONE_OFF_DEFAULT_TIMEOUT_SECONDS,
  MAX_TIMEOUT_SECONDS as ONE_OFF_MAX_TIMEOUT_SECONDS,
  type OneOffRequest,
  type OneOffSession,
  type OneOffView,
} from "./one-offs/index.ts";
export {
  APP_STAGES as PIPELINE_APP_STAGES,
  type AppStage as PipelineAppStage,
  type ConfigKeyDiff,
  PipelineNotFoundError,
  type PipelineSummary,
  type PipelineView,
  type PromotionPreview,
  type PromotionResult,
  type ReleaseView,
  type ReviewAppView,
  type ReviewSettingsView,
  type StageApp,
} from "./pipelines/index.ts";
export * from "./platform-backup/index.ts";
export {
  CADDY_CHOICES,
  type CaddyBinary,
  type CaddyChoice,
  CustomCaddyMissingError,
  checkRouterPorts,
  chooseCaddy,
  PortsHeldError,
} from "./router/index.ts";
export {
  EGRESS_MODES,
  type EgressMode,
  type EgressPolicy,
  type EgressRule,
  formatEgressRule,
  MAX_EGRESS_RULES,
  parseEgressRule,
} from "./runtime/index.ts";
export {
  JOB_NAME_RULE as SCHEDULED_JOB_NAME_RULE,
  MAX_COMMAND_LENGTH as SCHEDULED_JOB_MAX_COMMAND_LENGTH,
  RUNS_KEPT as SCHEDULED_JOB_RUNS_KEPT,
  type ScheduledJobView,
  type ScheduledRunView,
  TIMEOUT_SECONDS as SCHEDULED_JOB_TIMEOUT_SECONDS,
} from "./schedules/index.ts";
export { ensureAppRepo, serveGitHttp } from "./sources/index.ts";
export {
  type TraceSpanView,
  type TraceView,
  type Tracing,
  type TracingSettings,
  TracingSettingsError,
  tracingSettingsFromEnv,
} from "./tracing/index.ts";
export { TRAFFIC_BOUNDS, type TrafficPolicy, type TrafficView, WAF_MODES, wafMatchLogger } from "./traffic/index.ts";
export type { PublicUser } from "./users/index.ts";
