// Per-app traffic protection at the router: rate and in-flight limits per client address, a
// request body cap, and the OWASP Core Rule Set WAF.
export {
  checkTrafficPolicy,
  NO_TRAFFIC_LIMITS,
  routeTraffic,
  TRAFFIC_BOUNDS,
  type TrafficPolicy,
  unsupportedSettings,
  WAF_MODES,
} from "./policy.ts";
export { type AppTraffic, type AppTrafficOptions, createAppTraffic, routeTrafficByApp, type TrafficView } from "./service.ts";
export { wafLogLine, wafMatchLogger } from "./waf-log.ts";
