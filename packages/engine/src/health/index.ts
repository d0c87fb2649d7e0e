// Health checks: probes (HTTP, TCP, command), a checker per instance that turns probe results
// into the instance's health status, and the check an instance gets by default.
export { type BodyMatcher, parseBodyMatch } from "./body-match.ts";
export { createHealthChecker, type HealthChecker, type HealthCheckerOptions } from "./checker.ts";
export { DEFAULT_WEB_EXPECT_STATUS, type HealthCheckConfig, healthCheckFor } from "./defaults.ts";
export { DEFAULT_EXPECT_STATUS, MAX_BODY_BYTES } from "./http.ts";
export {
  type CommandProbe,
  type HealthProbe,
  type HttpProbe,
  type ProbeOptions,
  type ProbeResult,
  type ProbeTarget,
  runProbe,
  type StatusRange,
  type TcpProbe,
} from "./probe.ts";
export {
  checkHealthCheckSettings,
  HEALTH_CHECK_DEFAULTS,
  HEALTH_CHECK_LIMITS,
  HEALTH_CHECK_TYPES,
  type HealthCheckSettings,
  type HealthCheckType,
  InvalidHealthCheckError,
} from "./settings.ts";
