// Desired routes → Caddy 2.6 JSON config. Pure: the same routes and settings give the same
// config (routes are normalised and sorted first), which is what lets the reconciler compare.

import { configHash } from "./config-hash.ts";
import { InvalidRouteError } from "./errors.ts";
import { friendlyResponse, maintenanceResponse, noInstancePage, proxyFailedPage, unknownHostPage } from "./pages.ts";
import { PROBE_HOST, probeRoute } from "./probe.ts";
import { HTTPS_SERVER, pkiApp, tlsApp, tlsConnectionPolicies } from "./tls-config.ts";
import { type CaddyBuild, trafficGuardRoutes, trafficHandlers } from "./traffic-handlers.ts";
import { type AdminAddress, type AppRoute, DEFAULT_PROXY_TUNING, type ProxyTuning, type RouterSettings } from "./types.ts";
import { normaliseRoutes } from "./validate.ts";
import { expandWeights } from "./weights.ts";

type Json = Record<string, unknown>;

export const APP_SERVER = "skypanel";
export const METRICS_SERVER = "skypanel-metrics";
/** The apps' server logs each request as `http.log.access.<ACCESS_LOG>`. */
export const ACCESS_LOG = "skypanel_access";
export const DEFAULT_HTTP_PORT = 8080;
export const DEFAULT_BASE_DOMAIN = "localhost";

/** Where this Caddy keeps its admin endpoint and its storage (certificates, later). */
export interface CaddyPlacement {
  admin: AdminAddress;
  storageRoot: string;
}

/** The `@id` of an app's route, so it can be read or patched alone at `/id/<id>`. */
export function appRouteId(appName: string): string {
  return `skypanel-app-${appName}`;
}

/** Caddy's spelling of an admin address: `unix//abs/path.sock` or `host:port`. */
export function adminListen(admin: AdminAddress): string {
  return "socketPath" in admin ? `unix/${admin.socketPath}` : `${admin.host}:${admin.port}`;
}

/** The admin block every config carries: a config loaded without it would move the admin API to Caddy's default TCP port. */
export function adminConfig(admin: AdminAddress): Json {
  return { listen: adminListen(admin), config: { persist: false } };
}

const ms = (n: number) => `${n}ms`;

function reverseProxy(route: AppRoute, tuning: ProxyTuning): Json {
  const weighted = route.policy === "weighted_round_robin";
  const dials = weighted ? expandWeights(route.upstreams) : route.upstreams.map((u) => u.dial);
  const health: Json =
    route.passiveHealth === false
      ? {}
      : { passive: { fail_duration: ms(tuning.failDurationMs), max_fails: tuning.maxFails, unhealthy_status: tuning.unhealthyStatus } };
  const hc = route.healthCheck;
  if (hc) {
    health.active = {
      uri: hc.path,
      interval: ms(hc.intervalMs),
      timeout: ms(hc.timeoutMs),
      ...(hc.expectStatus === undefined ? {} : { expect_status: hc.expectStatus }),
    };
  }
  return {
    handler: "reverse_proxy",
    upstreams: dials.map((dial) => ({ dial })),
    load_balancing: {
      selection_policy: { policy: weighted ? "round_robin" : route.policy },
      // A request whose instance is gone (refused dial, reset connection) is retried on another
      // one until try_duration; Caddy only retries non-GET requests when no connection was made.
      try_duration: ms(tuning.tryDurationMs),
      try_interval: ms(tuning.tryIntervalMs),
    },
    health_checks: health,
    transport: { protocol: "http", dial_timeout: ms(tuning.dialTimeoutMs), response_header_timeout: ms(tuning.responseHeaderTimeoutMs) },
  };
}

// The client's X-Request-Id is kept; otherwise Caddy makes one. Either way the app and the
// client see the same id. X-Forwarded-For/-Proto/-Host are set by reverse_proxy itself, from
// the connection (client-sent values are dropped: no trusted proxies are configured).
const requestIdRoutes: Json[] = [
  {
    match: [{ header: { "X-Request-Id": null } }],
    handle: [{ handler: "headers", request: { set: { "X-Request-Id": ["{http.request.uuid}"] } } }],
  },
  { handle: [{ handler: "headers", response: { set: { "X-Request-Id": ["{http.request.header.X-Request-Id}"] } } }] },
];

/** The app's route on one server: its hostnames there, and an `@id` unique across servers. */
/** One year, the value browsers' preload lists ask for; no includeSubDomains (the user's other hosts are not ours). */
export const HSTS_HEADER = "max-age=31536000";

/** On the HTTPS server only: Strict-Transport-Security for the hostnames that asked for it. */
function hstsRoutes(hosts: string[] | undefined): Json[] {
  if (!hosts || hosts.length === 0) return [];
  return [
    { match: [{ host: hosts }], handle: [{ handler: "headers", response: { set: { "Strict-Transport-Security": [HSTS_HEADER] } } }] },
  ];
}

function appRoute(
  route: AppRoute,
  tuning: ProxyTuning,
  build: CaddyBuild,
  hosts = route.hostnames,
  id = appRouteId(route.appName),
  hsts?: string[],
): Json {
  const first = [...hstsRoutes(hsts), ...requestIdRoutes];
  // Maintenance answers before the instances, whether any runs; ACME's HTTP-01 challenges never
  // get here (Caddy answers them before any route), so certificates keep being issued.
  const serve: Json = route.maintenance
    ? {
        handler: "subroute",
        routes: [...first, { handle: [maintenanceResponse(route.maintenance.page, route.maintenance.retryAfterSeconds)] }],
      }
    : route.upstreams.length === 0
      ? { handler: "subroute", routes: [...first, { handle: [friendlyResponse(noInstancePage(route.appName))] }] }
      : {
          handler: "subroute",
          routes: [
            ...first,
            ...trafficGuardRoutes(route.appName, route.traffic),
            { handle: [...trafficHandlers(route.appName, route.traffic, build), reverseProxy(route, tuning)] },
          ],
          errors: { routes: [{ handle: [friendlyResponse(proxyFailedPage(route.appName))] }] },
        };
  return { "@id": id, match: [{ host: hosts }], handle: [serve], terminal: true };
}

/**
 * The apps' access log goes to a file Caddy rolls at 10 MB, keeping one old file (at most ~20 MB
 * on disk), which the platform follows. Not a `net` writer to the platform's socket, though it
 * grows nothing: in Caddy 2.6 that blocks request handling once the platform stops reading
 * (tried: requests hung after ~200), a config load fails while nobody listens, and while the
 * connection is down every entry goes to Caddy's stderr log, which nothing rolls.
 */
function accessLogFile(filename: string): Json {
  return {
    writer: { output: "file", filename, roll_size_mb: 10, roll_keep: 1, roll_gzip: false },
    // Headers (cookies, tokens) and the URI are not needed for counting; without them a line stays small.
    encoder: {
      format: "filter",
      wrap: { format: "json" },
      fields: { "request>headers": { filter: "delete" }, "request>uri": { filter: "delete" }, resp_headers: { filter: "delete" } },
    },
    include: [`http.log.access.${ACCESS_LOG}`],
  };
}

function checkMetricsListen(listen: string): string {
  if (!/^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|localhost):\d{1,5}$/.test(listen))
    throw new InvalidRouteError(
      `The metrics address "${listen}" must be on loopback (127.0.0.1:port): metrics are for the platform's scraper only.`,
    );
  return listen;
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidRouteError(`The HTTP port ${port} is not a port number.`);
  return port;
}

/** The whole Caddy config for these desired routes. Throws `InvalidRouteError` for bad input. */
export function generateCaddyConfig(routes: AppRoute[], settings: RouterSettings, placement: CaddyPlacement): Json {
  const baseDomain = settings.baseDomain ?? DEFAULT_BASE_DOMAIN;
  const tuning: ProxyTuning = { ...DEFAULT_PROXY_TUNING, ...settings.proxy };
  const build = settings.caddyBuild ?? "debian";
  const httpPort = checkPort(settings.httpPort ?? DEFAULT_HTTP_PORT);
  const listen = `${settings.httpHost ?? ""}:${httpPort}`;
  const normalised = normaliseRoutes(routes, baseDomain);
  const unknownHost = (id: string) => ({ "@id": id, handle: [friendlyResponse(unknownHostPage())], terminal: true });
  const common = {
    // Never automatic HTTPS: it would ask for a certificate for every hostname (the platform's
    // own included); the tls app below names exactly the custom domains that get one.
    automatic_https: { disable: true },
    // Caddy 2.6 records its caddy_http_* request metrics only for servers that ask.
    metrics: {},
    ...(settings.accessLogFile ? { logs: { default_logger_name: ACCESS_LOG, skip_hosts: [PROBE_HOST] } } : {}),
  };
  const servers: Json = {
    [APP_SERVER]: {
      listen: [listen],
      ...common,
      routes: [...normalised.map((r) => appRoute(r, tuning, build)), unknownHost("skypanel-unknown-host")],
    },
  };
  const tls = settings.tls;
  const local = settings.localTls;
  const tlsHostnames = tls ? normalised.flatMap((r) => r.tlsHostnames ?? []).sort() : [];
  // With the local CA, every app's platform hostname is served over HTTPS too.
  const localOf = (r: AppRoute) => (local ? [`${r.appName}.${baseDomain}`] : []);
  const httpsHostsOf = (r: AppRoute) => [...localOf(r), ...(tls ? (r.tlsHostnames ?? []) : [])].sort();
  const httpsPort = tls?.httpsPort ?? local?.httpsPort;
  if (httpsPort !== undefined) {
    servers[HTTPS_SERVER] = {
      listen: [`${settings.httpHost ?? ""}:${checkPort(httpsPort)}`],
      ...common,
      tls_connection_policies: tlsConnectionPolicies,
      routes: [
        ...normalised
          .filter((r) => httpsHostsOf(r).length > 0)
          .map((r) => appRoute(r, tuning, build, httpsHostsOf(r), `${appRouteId(r.appName)}-https`, r.hstsHostnames)),
        unknownHost("skypanel-unknown-host-https"),
      ],
    };
  }
  const localHostnames = normalised.flatMap(localOf).sort();
  if (settings.metricsListen) {
    servers[METRICS_SERVER] = {
      listen: [checkMetricsListen(settings.metricsListen)],
      automatic_https: { disable: true },
      routes: [{ match: [{ path: ["/metrics"] }], handle: [{ handler: "metrics" }], terminal: true }],
    };
  }
  const config: Json = {
    admin: adminConfig(placement.admin),
    storage: { module: "file_system", root: placement.storageRoot },
    // The reconciler reads the config every few seconds and Caddy logs every admin request at
    // info level (2.6 ignores `exclude` for them), so only warnings and errors are kept.
    logging: {
      logs: settings.accessLogFile
        ? {
            // 2.6 logs a 5xx answer's access entry at ERROR, which the default log would copy too.
            default: { level: "WARN", exclude: [`http.log.access.${ACCESS_LOG}`] },
            [ACCESS_LOG]: accessLogFile(settings.accessLogFile),
          }
        : { default: { level: "WARN" } },
    },
    // No grace_period: Caddy 2.6 cancels the old servers' shutdown as soon as a load returns
    // (logging an error each time), and requests in flight finish either way (router.test.ts).
    apps:
      httpsPort !== undefined
        ? {
            http: { http_port: httpPort, https_port: httpsPort, servers },
            tls: tlsApp(tlsHostnames, tls, httpPort, localHostnames),
            ...(local ? { pki: pkiApp() } : {}),
          }
        : { http: { servers } },
  };
  // The probe answers a token of everything else in the config, so the same routes give the same config.
  const appServer = servers[APP_SERVER] as { routes: Json[] };
  appServer.routes.unshift(probeRoute(configHash(config).slice(0, 32)));
  return config;
}
