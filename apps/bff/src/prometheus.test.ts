// GET /metrics and the scrape-target discovery, on a real BFF over a real engine and database:
// the exposition passes Prometheus's own parser (promtool, Debian's prometheus package; see
// require_promtool in scripts/lib/require.sh), and an app's series come through the real data
// path: access log lines read by the request collector, instance readings from the database.
import { spawnSync } from "node:child_process";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { createRequestCollector } from "@skypanel/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";
import { createApp } from "./server.ts";
import { createTestBff, TEST_DRIVERS, type TestBff, testConfig } from "./testing.ts";

const SCRAPE_TOKEN = "scrape-token-0123456789abcdef";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a text exposition (after promtool has accepted it: this reader is not a validator). */
function samplesOf(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m?.[1] || line.startsWith("#")) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = l[2] as string;
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

describe.each(TEST_DRIVERS)("Prometheus /metrics and scrape targets on %s", (driver) => {
  let t: TestBff;
  let base: string;
  let close: () => void;
  let session: string;
  let adminApiToken: string;
  let userApiToken: string;
  let instanceId: string;

  const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });

  beforeAll(async () => {
    t = await createTestBff(driver);
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    session = await t.login("ops@example.com");
    adminApiToken = (await t.rest("POST", "/api/tokens", { token: session, body: { name: "prometheus", scope: "admin" } })).body.token;
    expect(
      (await t.rest("POST", "/api/users", { token: session, body: { email: "dev@example.com", password: "correct horse battery" } }))
        .status,
    ).toBe(201);
    userApiToken = (
      await t.rest("POST", "/api/tokens", { token: await t.login("dev@example.com"), body: { name: "mine", scope: "admin" } })
    ).body.token;
    const appId = (await t.rest("POST", "/api/apps", { token: session, body: { name: "shop" } })).body.id;

    // A running web instance as the supervisor leaves it: its latest reading on its row.
    const [instance] = await t.database.sql.query<{ id: string }>(
      `INSERT INTO instances (app_id, process_type, status, memory_bytes, resource_usage, restart_count)
       VALUES ($1, 'web', 'running', 73400320, $2, 1) RETURNING id`,
      [appId, JSON.stringify({ cpu: { usageNs: 1_250_000_000, percent: 2 }, network: { rxBytes: 4096, txBytes: 8192 } })],
    );
    instanceId = instance?.id ?? "";

    // Requests as Caddy logs them, read by the request collector the engine runs, fed to the registry.
    const logPath = join(t.home, "access.log");
    writeFileSync(logPath, "");
    const collector = createRequestCollector({
      db: t.database.db,
      logPath,
      intervalMs: 3_600_000,
      routedHosts: () => new Map([["shop.localhost", "shop"]]),
      onRequest: t.engine.prometheus.appRequest,
    });
    await collector.start();
    const line = (status: number, seconds: number) =>
      `${JSON.stringify({ request: { host: "shop.localhost" }, duration: seconds, status })}\n`;
    appendFileSync(logPath, [200, 200, 200, 201, 302, 404, 503, 503].map((s, i) => line(s, 0.004 * (i + 1))).join("") + line(101, 30));
    await collector.read();
    expect(collector.stats()).toMatchObject({ lines: 9, garbled: 0, unknownHost: 0 });
    await collector.stop();

    // The BFF as an operator runs it with SKYPANEL_METRICS_TOKEN set.
    const app = createApp(t.engine, { ...testConfig(t.home), metricsToken: SCRAPE_TOKEN });
    await new Promise<void>((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
        base = `http://127.0.0.1:${info.port}`;
        resolve();
      });
      close = () => server.close();
    });
  });
  afterAll(async () => {
    close?.();
    await t?.close();
  });

  it("refuses a scrape without a token, with a wrong one, with a session, or with a non-admin's token", async () => {
    const none = await get("/metrics");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
    expect((await get("/metrics", `${SCRAPE_TOKEN}x`)).status).toBe(401);
    expect((await get("/metrics", SCRAPE_TOKEN.slice(0, -1))).status).toBe(401);
    expect((await get("/metrics", "skp_not-a-real-token")).status).toBe(401);
    expect((await get("/metrics", undefined, { authorization: `Basic ${btoa(`x:${SCRAPE_TOKEN}`)}` })).status).toBe(401);
    // A browser's cookie is not a scraper's credential.
    expect((await get("/metrics", undefined, { cookie: `skypanel_session=${session}` })).status).toBe(401);
    expect((await get("/metrics", session)).status).toBe(403);
    expect((await get("/metrics", userApiToken)).status).toBe(403);
  });

  it("lets the scrape token and an admin's API token read it; without SKYPANEL_METRICS_TOKEN no scrape token works", async () => {
    const byToken = await get("/metrics", SCRAPE_TOKEN);
    expect(byToken.status).toBe(200);
    expect(byToken.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await byToken.text()).toContain("skypanel_builds_total");
    expect((await get("/metrics", adminApiToken)).status).toBe(200);
    // The test BFF's own app has no scrape token configured.
    const unset = await t.app.request("/metrics", { headers: { authorization: `Bearer ${SCRAPE_TOKEN}` } });
    expect(unset.status).toBe(401);
    expect((await t.app.request("/metrics", { headers: { authorization: `Bearer ${adminApiToken}` } })).status).toBe(200);
  });

  it("exposes what promtool accepts: platform series, and the app's series with app, process_type and instance labels", async () => {
    // Traffic for the platform's own histograms: a public tRPC query, a refused one, a REST call.
    expect((await get("/api/trpc/auth.session")).status).toBe(200);
    expect((await get("/api/trpc/apps.list")).status).toBe(401);
    expect((await get("/api/apps/shop", adminApiToken)).status).toBe(200);
    expect((await get("/api/apps/no-such-app", adminApiToken)).status).toBe(404);

    const text = await (await get("/metrics", SCRAPE_TOKEN)).text();
    const promtool = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    expect(promtool.error, "promtool is needed: scripts/test.sh installs it (require_promtool)").toBeUndefined();
    expect({ status: promtool.status, output: `${promtool.stdout}${promtool.stderr}` }).toEqual({ status: 0, output: "" });

    const samples = samplesOf(text);
    const instance = { app: "shop", process_type: "web", instance: instanceId };
    expect(find(samples, "skypanel_app_cpu_seconds_total", instance).map((s) => s.value)).toEqual([1.25]);
    expect(find(samples, "skypanel_app_memory_bytes", instance).map((s) => s.value)).toEqual([73_400_320]);
    expect(find(samples, "skypanel_app_network_receive_bytes_total", instance).map((s) => s.value)).toEqual([4096]);
    expect(find(samples, "skypanel_app_network_transmit_bytes_total", instance).map((s) => s.value)).toEqual([8192]);
    expect(find(samples, "skypanel_app_restarts_total", instance).map((s) => s.value)).toEqual([1]);
    const byClass = Object.fromEntries(
      find(samples, "skypanel_app_requests_total", { app: "shop", process_type: "web" }).map((s) => [s.labels.status_class, s.value]),
    );
    expect(byClass).toEqual({ "2xx": 4, "3xx": 1, "4xx": 1, "5xx": 2 });
    // Eight timed requests; the WebSocket (101) is neither classed nor timed.
    expect(find(samples, "skypanel_app_request_duration_seconds_count", { app: "shop" }).map((s) => s.value)).toEqual([8]);
    expect(find(samples, "skypanel_app_request_duration_seconds_bucket", { app: "shop", le: "0.025" }).map((s) => s.value)).toEqual([6]);

    const trpc = (code: string) => find(samples, "skypanel_trpc_call_duration_seconds_count", { code });
    expect(trpc("OK").some((s) => s.labels.procedure === "auth.session" && s.labels.type === "query")).toBe(true);
    expect(trpc("UNAUTHORIZED").some((s) => s.labels.procedure === "apps.list")).toBe(true);
    const http = (labels: Record<string, string>) => find(samples, "skypanel_http_request_duration_seconds_count", labels);
    // Labelled by the route that answered, not the path asked for.
    expect(http({ method: "GET", route: "/api/apps/:app", status: "200" }).map((s) => s.value)).toEqual([1]);
    expect(http({ method: "GET", route: "/api/apps/:app", status: "404" }).map((s) => s.value)).toEqual([1]);
    expect(http({ route: "/api/trpc/*", status: "401" }).length).toBe(1);
    expect(samples.some((s) => s.labels.route?.includes("no-such-app"))).toBe(false);
    for (const name of [
      "skypanel_builds_total",
      "skypanel_deployments_total",
      "skypanel_reconcile_passes_total",
      "skypanel_caddy_config_loads_total",
      "skypanel_caddy_config_load_failures_total",
      "process_resident_memory_bytes",
    ])
      expect(find(samples, name).length, name).toBeGreaterThan(0);
  });

  it("writes the router row with status classes and p99, and serves p99 and the error rate in the app's metrics", async () => {
    const res = await t.rest("GET", "/api/apps/shop/metrics?range=15m", { token: session });
    expect(res.status).toBe(200);
    const points = res.body.requests as { p50Ms: number | null; p99Ms: number | null; errorRate: number | null }[];
    expect(points.length).toBe(1);
    // 9 requests (the WebSocket counts), 2 of them 5xx; nearest-rank p99 of 4, 8, … 32 ms is 32 ms.
    expect(points[0]?.errorRate).toBeCloseTo(2 / 9);
    expect(points[0]?.p99Ms).toBeCloseTo(32);
    expect(points[0]?.p50Ms).toBeCloseTo(16);
  });

  it("lists the platform's own /metrics as its scrape target, in http_sd format, with the same protection", async () => {
    expect((await get("/api/prometheus/targets")).status).toBe(401);
    expect((await get("/api/prometheus/targets", "wrong-token-wrong-token")).status).toBe(401);
    expect((await get("/api/prometheus/targets", userApiToken)).status).toBe(403);
    const res = await get("/api/prometheus/targets", SCRAPE_TOKEN);
    expect(res.status).toBe(200);
    const port = new URL(base).port;
    expect(await res.json()).toEqual([{ targets: [`127.0.0.1:${port}`], labels: { __scheme__: "http", __metrics_path__: "/metrics" } }]);
    // Behind a trusted proxy, the address the scraper asked for; a malformed one is not taken.
    const proxied = await get("/api/prometheus/targets", adminApiToken, {
      "x-forwarded-host": "panel.example.com",
      "x-forwarded-proto": "https",
    });
    expect(await proxied.json()).toEqual([
      { targets: ["panel.example.com"], labels: { __scheme__: "https", __metrics_path__: "/metrics" } },
    ]);
    const odd = await get("/api/prometheus/targets", adminApiToken, { "x-forwarded-host": "evil.example/path?x" });
    expect(((await odd.json()) as { targets: string[] }[])[0]?.targets).toEqual([`127.0.0.1:${port}`]);
  });
});

describe("SKYPANEL_METRICS_TOKEN", () => {
  it("is a token of 16 to 512 printable characters, or unset", () => {
    expect(loadConfig({ SKYPANEL_METRICS_TOKEN: SCRAPE_TOKEN }).metricsToken).toBe(SCRAPE_TOKEN);
    expect(loadConfig({}).metricsToken).toBeNull();
    expect(loadConfig({ SKYPANEL_METRICS_TOKEN: "" }).metricsToken).toBeNull();
    for (const bad of ["short", "has a space in it 0123456789", "x".repeat(513)])
      expect(() => loadConfig({ SKYPANEL_METRICS_TOKEN: bad }), bad).toThrow(ConfigError);
  });
});
