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
export {
  type Authenticated,
  type ClientMeta,
  LOGIN_LIMITS,
  type LoginResult,
  memoryRateLimiter,
  type RateLimiter,
  SESSION_TTL_MS,
  sameSecret,
} from "./auth/index.ts";
export { AUTOSCALER_DEFAULTS, type AutoscaleBody, type AutoscalerOptions } from "./autoscale/index.ts";
export {
  BUILD_NETWORK_SETTINGS,
  type BuildNetwork,
  BuildNotFoundError,
  buildNetwork,
  DEFAULT_BUILD_NETWORK,
  type LogLine,
  type NewBuildSource,
  WorkRootError,
} from "./builds/index.ts";
export { type AppConfig, CONFIG_KEY_RULE, type ConfigVar } from "./config-vars/index.ts";
export { type PushOutcome, STRATEGIES, type Strategy } from "./deploy/index.ts";
export type { BuildPlan } from "./detect/plan.ts";
export { createEngine, type Engine, type EngineOptions } from "./engine.ts";
export * from "./errors.ts";
export type { PlatformEvent, ResyncEvent, SequencedEvent, StateEvent } from "./events/index.ts";
export { HEALTH_CHECK_TYPES, type HealthCheckSettings } from "./health/index.ts";
export * from "./imports/index.ts";
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
  ATTACH_WITHIN_MS,
  DEFAULT_TIMEOUT_SECONDS as ONE_OFF_DEFAULT_TIMEOUT_SECONDS,
  MAX_TIMEOUT_SECONDS as ONE_OFF_MAX_TIMEOUT_SECONDS,
  type OneOffRequest,
  type OneOffSession,
  type OneOffView,
} from "./one-offs/index.ts";
export { checkRouterPorts, PortsHeldError } from "./router/index.ts";
export { ensureAppRepo, serveGitHttp } from "./sources/index.ts";
export {
  type TraceSpanView,
  type TraceView,
  type Tracing,
  type TracingSettings,
  TracingSettingsError,
  tracingSettingsFromEnv,
} from "./tracing/index.ts";
export type { PublicUser } from "./users/index.ts";
