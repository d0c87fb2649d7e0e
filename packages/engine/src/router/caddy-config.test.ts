import { describe, expect, it } from "vitest";
import { appRouteId, generateCaddyConfig } from "./caddy-config.ts";
import { configHash } from "./config-hash.ts";
import { InvalidRouteError } from "./errors.ts";
import { PROBE_HOST, probeToken } from "./probe.ts";
import type { AppRoute, RouterSettings } from "./types.ts";
import { expandWeights } from "./weights.ts";

// biome-ignore lint/suspicious/noExplicitAny: walking generated JSON in tests
type Json = Record<string, any>;

const placement = { admin: { socketPath: "/srv/skypanel/run/caddy-admin.sock" }, storageRoot: "/srv/skypanel/caddy/data" };

function config(routes: AppRoute[], settings: RouterSettings = {}): Json {
  return generateCaddyConfig(routes, settings, placement) as Json;
}

const web = (appName: string, extra: Partial<AppRoute> = {}): AppRoute => ({
  appName,
  hostnames: [],
  upstreams: [{ dial: "10.213.0.2:5000" }, { dial: "10.213.0.6:5000" }],
  policy: "round_robin",
  ...extra,
});

const server = (c: Json) => c.apps.http.servers.skypanel;
const appRoute = (c: Json, app: string) => server(c).routes.find((r: Json) => r["@id"] === appRouteId(app));
// The app's subroute: [request id if absent, request id on the response, the proxy (or the 503 page)].
const proxyOf = (c: Json, app: string) => appRoute(c, app).handle[0].routes[2].handle[0];

describe("generateCaddyConfig", () => {
  it("serves every app at <app>.<baseDomain> and its extra hostnames on one HTTP server, unknown hosts last", () => {
    const c = config([web("shop", { hostnames: ["Shop.Example.com", "www.shop.example.com"] }), web("blog")]);
    expect(server(c).listen).toEqual([":8080"]);
    expect(server(c).automatic_https).toEqual({ disable: true });
    const ids = server(c).routes.map((r: Json) => r["@id"]);
    expect(ids).toEqual(["skypanel-router-probe", appRouteId("blog"), appRouteId("shop"), "skypanel-unknown-host"]);
    expect(appRoute(c, "shop").match).toEqual([{ host: ["shop.example.com", "shop.localhost", "www.shop.example.com"] }]);
    expect(appRoute(c, "blog").terminal).toBe(true);
    const notFound = server(c).routes[3].handle[0].routes;
    expect(notFound.map((r: Json) => r.handle[0].status_code)).toEqual([404, 404]);
    expect(JSON.parse(notFound[1].handle[0].body).error.code).toBe("NO_SUCH_APP");
  });

  it("takes the port, listen address and base domain from the settings", () => {
    const c = config([web("shop")], { httpPort: 18080, httpHost: "127.0.0.1", baseDomain: "apps.example.org" });
    expect(server(c).listen).toEqual(["127.0.0.1:18080"]);
    expect(appRoute(c, "shop").match[0].host).toEqual(["shop.apps.example.org"]);
  });

  it("keeps the admin endpoint on its socket, with nothing persisted, and storage under the home", () => {
    const c = config([web("shop")]);
    expect(c.admin).toEqual({ listen: "unix//srv/skypanel/run/caddy-admin.sock", config: { persist: false } });
    expect(c.storage).toEqual({ module: "file_system", root: "/srv/skypanel/caddy/data" });
    expect(c.logging.logs.default.level).toBe("WARN");
  });

  it.each(["round_robin", "least_conn", "ip_hash", "random"] as const)("uses Caddy's %s policy as is", (policy) => {
    const p = proxyOf(config([web("shop", { policy })]), "shop");
    expect(p.handler).toBe("reverse_proxy");
    expect(p.load_balancing.selection_policy).toEqual({ policy });
    expect(p.upstreams).toEqual([{ dial: "10.213.0.2:5000" }, { dial: "10.213.0.6:5000" }]);
  });

  it("spreads weighted_round_robin weights over round_robin slots, interleaved", () => {
    const p = proxyOf(
      config([
        web("shop", {
          policy: "weighted_round_robin",
          upstreams: [
            { dial: "10.213.0.2:5000", weight: 90 },
            { dial: "10.213.0.6:5000", weight: 10 },
          ],
        }),
      ]),
      "shop",
    );
    expect(p.load_balancing.selection_policy).toEqual({ policy: "round_robin" });
    const dials = p.upstreams.map((u: Json) => u.dial);
    expect(dials).toHaveLength(10);
    expect(dials.filter((d: string) => d === "10.213.0.6:5000")).toHaveLength(1);
    expect(expandWeights([{ dial: "a", weight: 3 }, { dial: "b" }])).toEqual(["a", "a", "b", "a"]);
    // Odd ratios are kept within a hundred slots.
    const many = expandWeights([
      { dial: "a", weight: 999 },
      { dial: "b", weight: 1 },
    ]);
    expect(many.length).toBeLessThanOrEqual(101);
    expect(many.filter((d) => d === "b")).toHaveLength(1);
  });

  it("configures active health checks from the route and passive ones always", () => {
    const p = proxyOf(
      config([web("shop", { healthCheck: { path: "/healthz", intervalMs: 2000, timeoutMs: 500, expectStatus: 200 } })]),
      "shop",
    );
    expect(p.health_checks.active).toEqual({ uri: "/healthz", interval: "2000ms", timeout: "500ms", expect_status: 200 });
    expect(p.health_checks.passive).toEqual({ fail_duration: "10000ms", max_fails: 2, unhealthy_status: [502, 503, 504] });
    expect(proxyOf(config([web("shop")]), "shop").health_checks.active).toBeUndefined();
  });

  it("retries on another instance for a while, with dial and response-header timeouts", () => {
    const p = proxyOf(config([web("shop")], { proxy: { tryDurationMs: 3000, dialTimeoutMs: 700 } }), "shop");
    expect(p.load_balancing.try_duration).toBe("3000ms");
    expect(p.load_balancing.try_interval).toBe("100ms");
    expect(p.transport).toEqual({ protocol: "http", dial_timeout: "700ms", response_header_timeout: "30000ms" });
  });

  it("sets X-Request-Id only when the client sent none, and returns it", () => {
    const routes = appRoute(config([web("shop")]), "shop").handle[0].routes;
    expect(routes[0]).toEqual({
      match: [{ header: { "X-Request-Id": null } }],
      handle: [{ handler: "headers", request: { set: { "X-Request-Id": ["{http.request.uuid}"] } } }],
    });
    expect(routes[1].handle[0].response.set).toEqual({ "X-Request-Id": ["{http.request.header.X-Request-Id}"] });
  });

  it("answers 503 with a clear body for an app without instances, and for proxy failures", () => {
    const c = config([web("idle", { upstreams: [] }), web("shop")]);
    const idle = appRoute(c, "idle").handle[0].routes[2].handle[0];
    expect(idle.handler).toBe("subroute");
    const json = idle.routes[1].handle[0];
    expect(json.status_code).toBe(503);
    expect(JSON.parse(json.body)).toEqual({ error: { code: "NO_RUNNING_INSTANCE", message: expect.stringContaining('"idle"') } });
    expect(idle.routes[0].match).toEqual([{ header: { Accept: ["*text/html*"] } }]);
    const failed = appRoute(c, "shop").handle[0].errors.routes[0].handle[0].routes[1].handle[0];
    expect(failed.status_code).toBe("{http.error.status_code}");
    expect(JSON.parse(failed.body).error.code).toBe("NO_HEALTHY_INSTANCE");
  });

  it("serves metrics on a loopback-only server when asked, and records HTTP metrics", () => {
    const c = config([web("shop")], { metricsListen: "127.0.0.1:9180" });
    expect(server(c).metrics).toEqual({});
    expect(c.apps.http.servers["skypanel-metrics"].listen).toEqual(["127.0.0.1:9180"]);
    expect(c.apps.http.servers["skypanel-metrics"].routes[0].handle).toEqual([{ handler: "metrics" }]);
    expect(() => config([], { metricsListen: "0.0.0.0:9180" })).toThrow(/loopback/);
  });

  it("writes the apps' server's access log, without headers or URI, to a rolled file, and only when asked", () => {
    expect(server(config([web("shop")])).logs).toBeUndefined();
    expect(Object.keys(config([web("shop")]).logging.logs)).toEqual(["default"]);

    const c = config([web("shop")], { metricsListen: "127.0.0.1:9180", accessLogFile: "/srv/skypanel/caddy/access.log" });
    // Router probes are not an app's requests.
    expect(server(c).logs).toEqual({ default_logger_name: "skypanel_access", skip_hosts: [PROBE_HOST] });
    expect(c.apps.http.servers["skypanel-metrics"].logs).toBeUndefined();
    const log = c.logging.logs.skypanel_access;
    expect(log.writer).toEqual({
      output: "file",
      filename: "/srv/skypanel/caddy/access.log",
      roll_size_mb: 10,
      roll_keep: 1,
      roll_gzip: false,
    });
    expect(log.include).toEqual(["http.log.access.skypanel_access"]);
    expect(Object.keys(log.encoder.fields).sort()).toEqual(["request>headers", "request>uri", "resp_headers"]);
    expect(c.logging.logs.default).toEqual({ level: "WARN", exclude: ["http.log.access.skypanel_access"] });
  });

  it("gives the same config for the same routes in any order", () => {
    const a = [web("shop", { hostnames: ["a.example.com", "b.example.com"] }), web("blog")];
    const b = [web("blog"), web("shop", { hostnames: ["B.example.com", "a.example.com"] })];
    expect(configHash(config(a))).toBe(configHash(config(b)));
    expect(configHash(config(a))).not.toBe(configHash(config([web("blog")])));
  });

  it("answers the router probe before any app, with a token that changes with the config", () => {
    const c = config([web("shop")]);
    const probe = server(c).routes[0];
    expect(probe.match).toEqual([{ path: ["/.skypanel/router-probe"], header: { "X-Skypanel-Probe": ["1"] } }]);
    expect(probe.handle[0]).toMatchObject({ handler: "static_response", status_code: 200 });
    expect(probeToken(c)).toMatch(/^[0-9a-f]{32}$/);
    expect(probeToken(config([web("shop")]))).toBe(probeToken(c));
    expect(probeToken(config([web("shop"), web("blog")]))).not.toBe(probeToken(c));
    expect(probeToken(config([web("shop")], { httpPort: 18080 }))).not.toBe(probeToken(c));
    expect(probeToken({ admin: {} })).toBeNull();
  });

  it.each([
    ["a bad app name", [web("Shop")], /not a valid app name/],
    ["a hostname with a port", [web("shop", { hostnames: ["shop.example.com:80"] })], /not a valid DNS name/],
    ["a wildcard hostname", [web("shop", { hostnames: ["*.example.com"] })], /wildcard/],
    [
      "a hostname of two apps",
      [web("shop", { hostnames: ["x.example.com"] }), web("blog", { hostnames: ["x.example.com"] })],
      /claimed by both/,
    ],
    ["another app's own hostname", [web("shop", { hostnames: ["blog.localhost"] }), web("blog")], /claimed by both/],
    ["an upstream by name", [web("shop", { upstreams: [{ dial: "db.internal:5432" }] })], /not an instance address/],
    [
      "an upstream outside the instance networks",
      [web("shop", { upstreams: [{ dial: "169.254.169.254:80" }] })],
      /not an instance address/,
    ],
    ["an upstream twice", [web("shop", { upstreams: [{ dial: "10.0.0.2:5000" }, { dial: "10.0.0.2:5000" }] })], /twice/],
    ["a zero weight", [web("shop", { upstreams: [{ dial: "10.0.0.2:5000", weight: 0 }] })], /weight/],
    ["an unknown policy", [web("shop", { policy: "fastest" as never })], /unknown load-balancing policy/],
    [
      "a health path without a slash",
      [web("shop", { healthCheck: { path: "healthz", intervalMs: 1000, timeoutMs: 100 } })],
      /must start with/,
    ],
    ["a health timeout over the interval", [web("shop", { healthCheck: { path: "/h", intervalMs: 1000, timeoutMs: 5000 } })], /timeout/],
    [
      "a bad expected status",
      [web("shop", { healthCheck: { path: "/h", intervalMs: 1000, timeoutMs: 100, expectStatus: 42 } })],
      /expected health status/,
    ],
    ["the same app twice", [web("shop"), web("shop")], /more than one route/],
  ])("refuses %s with a clear error", (_what, routes, message) => {
    expect(() => config(routes)).toThrow(message);
    try {
      config(routes);
    } catch (err) {
      expect((err as { code?: string }).code).toBe("BAD_REQUEST");
    }
  });

  it("refuses a bad port", () => {
    expect(() => config([], { httpPort: 70000 })).toThrow(InvalidRouteError);
  });

  describe("with HTTPS for custom domains (tls)", () => {
    const tls = { httpsPort: 8443, acmeDirectory: "https://127.0.0.1:14000/dir", acmeTrustedRoots: ["/etc/pebble/ca.pem"] };
    const routes = [
      web("shop", { hostnames: ["www.shop.example.com", "old.shop.example.com"], tlsHostnames: ["WWW.shop.example.com"] }),
      web("blog", { hostnames: ["blog.example.org"] }),
    ];

    it("serves only the custom domains whose DNS is ready on an HTTPS server, TLS 1.2 and 1.3 only", () => {
      const c = config(routes, { httpPort: 8080, tls });
      const https = c.apps.http.servers["skypanel-https"];
      expect(https.listen).toEqual([":8443"]);
      expect(https.automatic_https).toEqual({ disable: true });
      expect(https.tls_connection_policies).toEqual([{ protocol_min: "tls1.2", protocol_max: "tls1.3" }]);
      expect(https.routes.map((r: Json) => r["@id"])).toEqual([`${appRouteId("shop")}-https`, "skypanel-unknown-host-https"]);
      expect(https.routes[0].match).toEqual([{ host: ["www.shop.example.com"] }]);
      // The HTTP server still serves every hostname, the platform's own and the not-yet-ready ones.
      expect(appRoute(c, "shop").match).toEqual([{ host: ["old.shop.example.com", "shop.localhost", "www.shop.example.com"] }]);
      expect(c.apps.http).toMatchObject({ http_port: 8080, https_port: 8443 });
    });

    it("asks the ACME CA for exactly those certificates, answering HTTP-01 on the apps' HTTP port", () => {
      const c = config(routes, { httpPort: 8080, tls });
      expect(c.apps.tls.certificates).toEqual({ automate: ["www.shop.example.com"] });
      expect(c.apps.tls.automation.policies).toEqual([
        {
          subjects: ["www.shop.example.com"],
          issuers: [
            {
              module: "acme",
              ca: "https://127.0.0.1:14000/dir",
              trusted_roots_pem_files: ["/etc/pebble/ca.pem"],
              challenges: { http: { alternate_port: 8080 }, "tls-alpn": { disabled: true } },
            },
          ],
        },
      ]);
    });

    it("without tls: no HTTPS server, no tls app, and tlsHostnames are ignored", () => {
      const c = config(routes);
      expect(Object.keys(c.apps)).toEqual(["http"]);
      expect(Object.keys(c.apps.http.servers)).toEqual(["skypanel"]);
    });

    it("sends Strict-Transport-Security on the HTTPS answers of the hostnames that asked, never over HTTP", () => {
      const strict = [
        web("shop", {
          hostnames: ["www.shop.example.com"],
          tlsHostnames: ["www.shop.example.com"],
          hstsHostnames: ["www.shop.example.com"],
        }),
      ];
      const c = config(strict, { tls });
      const header = { handler: "headers", response: { set: { "Strict-Transport-Security": ["max-age=31536000"] } } };
      const httpsRoutes = c.apps.http.servers["skypanel-https"].routes[0].handle[0].routes;
      expect(httpsRoutes[0]).toEqual({ match: [{ host: ["www.shop.example.com"] }], handle: [header] });
      expect(JSON.stringify(c.apps.http.servers.skypanel)).not.toContain("Strict-Transport-Security");
      expect(JSON.stringify(config(routes, { tls }))).not.toContain("Strict-Transport-Security");
      expect(() => config([web("shop", { hostnames: ["a.example.com"], hstsHostnames: ["a.example.com"] })], { tls })).toThrow(
        /not served over HTTPS/,
      );
    });

    it("refuses a certificate for a hostname the app is not served at, and an ACME directory that is not https", () => {
      expect(() => config([web("shop", { tlsHostnames: ["x.example.com"] })], { tls })).toThrow(/not one of its hostnames/);
      expect(() => config(routes, { tls: { ...tls, acmeDirectory: "http://ca.example/dir" } })).toThrow(/must be an https:\/\/ URL/);
    });
  });
});
