// The router: Caddy, driven only through its admin API with JSON config, serving each app's
// hostnames from its running instances.
export { type CaddyAdminClient, caddyAdminClient, type UpstreamStatus } from "./admin-client.ts";
export { APP_SERVER, appRouteId, DEFAULT_BASE_DOMAIN, DEFAULT_HTTP_PORT, generateCaddyConfig, METRICS_SERVER } from "./caddy-config.ts";
export { type CaddyHandle, type CaddyProcessOptions, caddyPaths, defaultAdminAddress, startOrAdoptCaddy } from "./caddy-process.ts";
export { readCertificate, type StoredCertificate } from "./certificates.ts";
export { configHash } from "./config-hash.ts";
export {
  CADDY_CHOICES,
  type CaddyBinary,
  type CaddyChoice,
  CustomCaddyMissingError,
  chooseCaddy,
  customCaddyHash,
  customCaddyPath,
} from "./custom-caddy.ts";
export { CaddyAdminError, CaddyStartError, CaddyUnavailableError, InvalidRouteError, PortsHeldError } from "./errors.ts";
export { describeRouterEvent, routerEventLogger } from "./events.ts";
export { defaultMaintenancePage, MAX_MAINTENANCE_PAGE_BYTES } from "./pages.ts";
export { checkRouterPorts } from "./port-check.ts";
export type { PortHolder } from "./port-holders.ts";
export { createRouter, type ReconcileResult, type Router, type RouterEvent, type RouterOptions } from "./router.ts";
export type { CaddyBuild } from "./traffic-handlers.ts";
export {
  type AdminAddress,
  type AppRoute,
  DEFAULT_PROXY_TUNING,
  LOAD_BALANCING_POLICIES,
  type LoadBalancingPolicy,
  type ProxyTuning,
  type RouteHealthCheck,
  type RouteMaintenance,
  type RouterSettings,
  type RouterTls,
  type RouteTraffic,
  type RouteUpstream,
} from "./types.ts";
