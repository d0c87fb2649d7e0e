// Per-app traffic protection through a real Caddy on loopback: SkyPanel's own build (rate and
// in-flight limits, the WAF) and Debian's (the body size limit alone). The custom binary is the
// one scripts/lib/require.sh builds and caches; this file builds it when it is missing and fails,
// never skips, when it cannot be had.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "@skypanel/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRequestCollector, type WafMatch } from "../metrics/index.ts";
import { wafLogLine } from "../traffic/index.ts";
import { caddyPaths } from "./caddy-process.ts";
import { customCaddyPath } from "./custom-caddy.ts";
import { createRouter, type Router } from "./router.ts";
import { freePort, httpGet, type TestResponse, type TestUpstream, tempHome, testUpstreams } from "./testing.ts";
import type { AppRoute, RouteTraffic } from "./types.ts";

const REPO = new URL("../../../../", import.meta.url).pathname;
const SQL_INJECTION = "/?id=1'%20OR%20'1'='1";

/** The cached custom Caddy, built through require.sh when this machine has none yet. */
function customCaddy(): string {
  const path = customCaddyPath();
  if (existsSync(path)) return path;
  try {
    execFileSync("bash", ["-c", "source scripts/lib/require.sh && require_custom_caddy"], {
      cwd: REPO,
      stdio: "inherit",
      timeout: 1_800_000,
    });
  } catch (err) {
    throw new Error(`SkyPanel's Caddy could not be built (scripts/lib/require.sh require_custom_caddy): ${(err as Error).message}`);
  }
  if (!existsSync(path)) throw new Error(`require_custom_caddy finished but ${path} is not there: the two hashes disagree`);
  return path;
}

/** A request to `app`'s host name, from a chosen loopback address, with an optional body. */
const send = ({ app, ...o }: Omit<Parameters<typeof httpGet>[0], "host"> & { app: string }) =>
  httpGet({ ...o, host: `${app}.localhost:${o.port}` });

const count = (responses: TestResponse[], status: number) => responses.filter((r) => r.status === status).length;

describe("traffic protection with SkyPanel's Caddy build", () => {
  const home = tempHome();
  const upstreams = testUpstreams();
  let router: Router;
  let port: number;
  let upstream: TestUpstream;
  const accessLog = () => join(caddyPaths(home.home).dir, "access.log");
  const route = (appName: string, traffic: RouteTraffic): AppRoute => ({
    appName,
    hostnames: [],
    upstreams: [{ dial: upstream.dial }],
    policy: "round_robin",
    traffic,
  });

  beforeAll(async () => {
    const binary = customCaddy();
    port = await freePort();
    upstream = await upstreams.start("app");
    router = createRouter({
      home: home.home,
      settings: { httpPort: port, httpHost: "127.0.0.1", caddyBuild: "custom", accessLogFile: accessLog() },
      caddyBinary: binary,
    });
    await router.apply([
      route("flood", { requestsPerMinute: 1, burst: 5 }),
      route("crowd", { maxConcurrentRequests: 2 }),
      route("guarded", { waf: "block" }),
      route("watched", { waf: "detect" }),
      route("small", { maxBodyBytes: 1024, waf: "detect" }),
    ]);
  }, 1_900_000);

  afterAll(async () => {
    await router?.stop();
    await upstreams.stopAll();
    home.remove();
  });

  it("a flood from one address gets the burst's worth of 200s and 429s with Retry-After, while another address is served", async () => {
    const flood: TestResponse[] = [];
    for (let i = 0; i < 12; i++) flood.push(await send({ port, app: "flood", from: "127.0.0.2" }));
    // One request a minute refills the bucket, so within this test only the burst of 5 gets through.
    expect(count(flood, 200)).toBe(5);
    expect(count(flood, 429)).toBe(7);
    const refused = flood.filter((r) => r.status === 429);
    for (const r of refused) expect(Number(r.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(refused[0]?.body ?? "{}")).toMatchObject({ error: { code: "RATE_LIMITED" } });
    expect((await send({ port, app: "flood", from: "127.0.0.3" })).status).toBe(200);
  });

  it("an address with its requests in flight at the limit gets 429 for more, while another address is served", async () => {
    const slow = () => send({ port, app: "crowd", from: "127.0.0.2", path: "/slow/3000" });
    const burst = Promise.all([slow(), slow(), slow(), slow()]);
    // Sent while those four are held by the slow instance.
    await new Promise((r) => setTimeout(r, 300));
    const other = await send({ port, app: "crowd", from: "127.0.0.3" });
    const outcomes = await burst;
    expect(count(outcomes, 200)).toBe(2);
    expect(count(outcomes, 429)).toBe(2);
    expect(other.status).toBe(200);
  });

  it("the WAF in block mode refuses a SQL-injection probe with 403 and serves a plain request", async () => {
    const probe = await send({ port, app: "guarded", path: SQL_INJECTION });
    expect(probe.status).toBe(403);
    expect(JSON.parse(probe.body)).toMatchObject({ error: { code: "WAF_BLOCKED" } });
    expect((await send({ port, app: "guarded", path: "/?id=1" })).status).toBe(200);
  });

  it("the WAF in detect mode lets the probe through and its rule ids reach the app's log line", async () => {
    const matches: { app: string; match: WafMatch; status: number }[] = [];
    // Only the collector's line reading is used: the stub database is never written (no request counts are collected).
    const collector = createRequestCollector({
      db: {} as Database,
      logPath: accessLog(),
      intervalMs: 3_600_000,
      routedHosts: () => router.routedHosts(),
      onWafMatch: (app, match, status) => matches.push({ app, match, status }),
    });
    await collector.start();
    expect((await send({ port, app: "watched", path: SQL_INJECTION })).status).toBe(200);
    expect((await send({ port, app: "watched", path: "/?id=1" })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    await collector.read();
    expect(matches).toHaveLength(1);
    const [seen] = matches;
    expect(seen).toMatchObject({ app: "watched", status: 200, match: { blocked: false } });
    expect(seen?.match.rules.map((r) => r.id)).toContain(942100);
    expect(wafLogLine(seen?.match as WafMatch, 200)).toMatch(
      /^router: WAF detected \(request passed, 200\): OWASP CRS rules .*942100 \(SQL Injection/,
    );
  });

  it("a body over the limit gets 413, with or without a Content-Length; a smaller one is served", async () => {
    const post = (size: number, chunked = false) => send({ port, app: "small", method: "POST", body: Buffer.alloc(size, 97), chunked });
    expect((await post(2000)).status).toBe(413);
    expect((await post(2000, true)).status).toBe(413);
    expect((await post(500)).status).toBe(200);
  });
});

describe("traffic protection with Debian's Caddy", () => {
  const home = tempHome();
  const upstreams = testUpstreams();
  let router: Router;
  let port: number;
  let routes: AppRoute[];

  beforeAll(async () => {
    port = await freePort();
    const upstream = await upstreams.start("app");
    router = createRouter({ home: home.home, settings: { httpPort: port, httpHost: "127.0.0.1", caddyBuild: "debian" } });
    routes = [
      {
        appName: "small",
        hostnames: [],
        upstreams: [{ dial: upstream.dial }],
        policy: "round_robin",
        traffic: { maxBodyBytes: 1024, requestsPerMinute: 1, burst: 1, waf: "block" },
      },
    ];
    // Debian's Caddy has no rate limit or WAF module: the config leaves them out and still loads.
    await router.apply(routes);
  });

  afterAll(async () => {
    await router?.stop();
    await upstreams.stopAll();
    home.remove();
  });

  it("a body over the limit gets 413, with or without a Content-Length; settings it cannot apply are left out", async () => {
    const post = (size: number, chunked = false) => send({ port, app: "small", method: "POST", body: Buffer.alloc(size, 97), chunked });
    const declared = await post(2000);
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ error: { code: "REQUEST_TOO_LARGE" } });
    expect((await post(2000, true)).status).toBe(413);
    // Not limited to one request a minute, and the probe not refused: neither handler is in this Caddy.
    expect((await post(500)).status).toBe(200);
    expect((await send({ port, app: "small", path: SQL_INJECTION })).status).toBe(200);
  });

  it("a router told to run SkyPanel's build replaces the Debian Caddy it would otherwise adopt", async () => {
    const events: string[] = [];
    router.detach();
    router = createRouter({
      home: home.home,
      settings: { httpPort: port, httpHost: "127.0.0.1", caddyBuild: "custom" },
      caddyBinary: customCaddy(),
      onEvent: (event) => events.push(event.type),
    });
    await router.apply(routes);
    expect(events).toContain("caddy-replaced");
    expect(events).toContain("caddy-started");
    // The rate limit (1 a minute, a burst of 1) is in force now.
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await send({ port, app: "small" })).status);
    expect(statuses).toEqual([200, 429, 429]);
  });
});
