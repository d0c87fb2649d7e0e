// The router's words: a route sends an app's hostnames to its running instances.
import type { CaddyBuild } from "./traffic-handlers.ts";

/**
 * How Caddy picks an instance. `weighted_round_robin` uses each upstream's `weight` (canaries);
 * the other policies ignore weights.
 */
export type LoadBalancingPolicy = "round_robin" | "least_conn" | "ip_hash" | "random" | "weighted_round_robin";

export const LOAD_BALANCING_POLICIES: readonly LoadBalancingPolicy[] = [
  "round_robin",
  "least_conn",
  "ip_hash",
  "random",
  "weighted_round_robin",
];

export interface RouteUpstream {
  /** An instance's address: `10.x.y.z:port` (its network namespace) or `127.0.0.1:port`. */
  dial: string;
  /** Relative share of requests under `weighted_round_robin` (a positive integer, default 1). */
  weight?: number;
}

export interface RouteHealthCheck {
  /** Path (and query) Caddy requests on each instance, e.g. `/healthz`. */
  path: string;
  intervalMs: number;
  timeoutMs: number;
  /** Status a healthy instance answers with: a code (200) or a class (2 for any 2xx). Default: 2xx or 3xx. */
  expectStatus?: number;
}

/** What an app should be reachable at, and where its web instances are. */
export interface AppRoute {
  appName: string;
  /** Extra hostnames (custom domains); `<appName>.<baseDomain>` is always served. */
  hostnames: string[];
  /**
   * Custom hostnames that also get a certificate and are served over HTTPS (those whose DNS
   * leads here); each must be one of `hostnames`. Ignored unless the router has `tls`.
   */
  tlsHostnames?: string[];
  /** Of `tlsHostnames`, those whose HTTPS answers carry Strict-Transport-Security (the user turned HSTS on). */
  hstsHostnames?: string[];
  /** The app's web instances; none means the app answers 503 with a clear body. */
  upstreams: RouteUpstream[];
  policy: LoadBalancingPolicy;
  healthCheck?: RouteHealthCheck;
  /** Caddy sets an upstream aside after failed requests (default true). */
  passiveHealth?: boolean;
  /** The app's traffic protection (traffic-handlers.ts); absent: none. */
  traffic?: RouteTraffic;
  /** Maintenance mode: every request gets this page with 503 instead of reaching an instance; absent: off. */
  maintenance?: RouteMaintenance;
}

/** What the router answers an app in maintenance with (pages.ts maintenanceResponse). */
export interface RouteMaintenance {
  /** HTML served as-is (at most MAX_MAINTENANCE_PAGE_BYTES). */
  page: string;
  /** The Retry-After header, in seconds. */
  retryAfterSeconds: number;
}

/** Limits per client address, the request body cap and the WAF, as the router applies them. */
export interface RouteTraffic {
  requestsPerMinute?: number;
  burst?: number;
  maxConcurrentRequests?: number;
  maxBodyBytes?: number;
  waf?: "detect" | "block";
}

/** How hard Caddy tries before a request fails, and when it sets an instance aside. */
export interface ProxyTuning {
  /** How long a request keeps being retried on other instances (Caddy's `try_duration`). */
  tryDurationMs: number;
  /** Pause between those tries (`try_interval`). */
  tryIntervalMs: number;
  dialTimeoutMs: number;
  /** How long an instance may take to start answering (Heroku's router allows 30 s). */
  responseHeaderTimeoutMs: number;
  /** Passive health: a failed request counts against its instance for this long. */
  failDurationMs: number;
  /** Passive health: this many counted failures set the instance aside. */
  maxFails: number;
  /** Passive health: these answers count as failures. */
  unhealthyStatus: number[];
}

export const DEFAULT_PROXY_TUNING: ProxyTuning = {
  tryDurationMs: 5_000,
  tryIntervalMs: 100,
  dialTimeoutMs: 2_000,
  responseHeaderTimeoutMs: 30_000,
  failDurationMs: 10_000,
  maxFails: 2,
  unhealthyStatus: [502, 503, 504],
};

export interface RouterSettings {
  /** Port of the HTTP server apps are served on (default 8080). */
  httpPort?: number;
  /** Address it listens on; empty (the default) means every interface. */
  httpHost?: string;
  /** Apps answer at `<app>.<baseDomain>` (default `localhost`, which browsers resolve to loopback). */
  baseDomain?: string;
  /**
   * A loopback-only `host:port` serving Caddy's Prometheus metrics at `/metrics`, for a scraper.
   * The metrics are always at `/metrics` on the admin socket too.
   */
  metricsListen?: string;
  /**
   * Where Caddy writes the apps' server's access log, one JSON line per request, which the
   * platform follows to count each app's requests. Absent: no access log.
   */
  accessLogFile?: string;
  proxy?: Partial<ProxyTuning>;
  /**
   * Which Caddy runs (default `debian`): only SkyPanel's `custom` build has the rate limit, the
   * in-flight limit and the WAF; with Debian's, routes get the body size limit alone.
   */
  caddyBuild?: CaddyBuild;
  /** HTTPS for custom domains, with certificates from an ACME CA. Absent: custom domains are served over HTTP only. */
  tls?: RouterTls;
  /**
   * HTTPS for the apps' platform hostnames (`<app>.<baseDomain>`, a `.localhost` name) with
   * certificates from Caddy's own local CA, which browsers trust once its root is installed.
   * Shares the HTTPS server (and port) with `tls` when both are set.
   */
  localTls?: { httpsPort: number };
}

/** Where custom domains' certificates come from, and where HTTPS is served. */
export interface RouterTls {
  /** Port of the HTTPS server (TLS 1.2 and 1.3 only). */
  httpsPort: number;
  /** The ACME CA's directory URL (Let's Encrypt's, or pebble's `https://127.0.0.1:14000/dir` in tests). */
  acmeDirectory: string;
  /** PEM files of the roots the ACME CA's own HTTPS is trusted with (a private CA); absent: the system's. */
  acmeTrustedRoots?: string[];
  /** The ACME account's contact address. */
  acmeEmail?: string;
}

/** Where Caddy's admin API is: a unix socket path, or `host:port` on loopback. */
export type AdminAddress = { socketPath: string } | { host: string; port: number };
