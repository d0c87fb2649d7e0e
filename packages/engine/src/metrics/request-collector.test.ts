// Requests through a real Caddy (Debian's caddy 2.6) on loopback to a test instance, counted from
// the access log file Caddy writes, into a real database.
import { appendFileSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requestSeries } from "@skypanel/db/queries";
import { createTestDatabase, TEST_DRIVERS, type TestDatabase } from "@skypanel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caddyPaths, createRouter, type Router } from "../router/index.ts";
import { freePort, httpGet, type TestUpstream, tempHome, testUpstreams, waitFor } from "../router/testing.ts";
import { createRequestCollector, type RequestCollector } from "./request-collector.ts";

const entry = (host: string, seconds: number, status = 200) => JSON.stringify({ request: { host }, duration: seconds, status });

describe.each(TEST_DRIVERS)("request metrics from Caddy's access log, on %s", (driver) => {
  const home = tempHome();
  const upstreams = testUpstreams();
  const logPath = join(caddyPaths(home.home).dir, "access.log");
  let db: TestDatabase;
  let router: Router;
  let collector: RequestCollector;
  let port: number;
  let instance: TestUpstream;
  const appIds: Record<string, string> = {};

  const get = (host: string, path = "/") => httpGet({ port, host, path });
  const rowsOf = (app: string) =>
    db.sql.query<{
      instance_id: string | null;
      request_count: string;
      p50: number | null;
      p95: number | null;
      p99: number | null;
      classes: string;
      ms: number;
    }>(
      `SELECT instance_id, request_count, response_time_p50_ms AS p50, response_time_p95_ms AS p95, response_time_p99_ms AS p99,
              concat_ws(' ', requests_2xx, requests_3xx, requests_4xx, requests_5xx) AS classes, request_interval_ms AS ms
       FROM metrics_snapshots WHERE app_id = $1 ORDER BY id`,
      [appIds[app]],
    );
  /** Caddy writes each entry as the request ends; read until the collector has seen `n` lines. */
  const linesRead = (n: number, c: RequestCollector = collector) =>
    waitFor(`${n} access log lines`, async () => {
      await c.read();
      return c.stats().lines >= n ? true : undefined;
    });

  beforeAll(async () => {
    db = await createTestDatabase(driver);
    const [team] = await db.sql.query<{ id: string }>("INSERT INTO teams (name) VALUES ('t') RETURNING id");
    for (const name of ["myapp", "idle"]) {
      const [app] = await db.sql.query<{ id: string }>("INSERT INTO applications (team_id, name) VALUES ($1, $2) RETURNING id", [
        team?.id,
        name,
      ]);
      appIds[name] = app?.id ?? "";
    }
    port = await freePort();
    instance = await upstreams.start("a");
    router = createRouter({ home: home.home, settings: { httpPort: port, httpHost: "127.0.0.1", accessLogFile: logPath } });
    // Rows only when the test asks (collect), not on a timer racing it.
    collector = createRequestCollector({ db: db.db, logPath, intervalMs: 3_600_000, routedHosts: () => router.routedHosts() });
    await collector.start();
    await router.apply([
      { appName: "myapp", hostnames: ["shop.example.test"], upstreams: [{ dial: instance.dial }], policy: "round_robin" },
      { appName: "idle", hostnames: [], upstreams: [], policy: "round_robin" },
    ]);
  });

  afterAll(async () => {
    await router?.stop();
    await collector?.stop();
    await upstreams.stopAll();
    await db?.drop();
    home.remove();
  });

  it("writes one row per routed app: 50 requests to myapp (any case, port, or custom domain) with their status classes and p50/p95/p99, 0 for an idle app", async () => {
    await collector.collect();
    const before = collector.stats().lines;
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await get(`myapp.localhost:${port}`, `/r/${i}`)).status);
    for (let i = 0; i < 5; i++) statuses.push((await get(`MyApp.LOCALHOST:${port}`)).status);
    for (let i = 0; i < 5; i++) statuses.push((await get("shop.example.test")).status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    // Not anyone's: an unknown host (Caddy's 404 page) is read and skipped.
    expect((await get(`nobody.localhost:${port}`)).status).toBe(404);
    await linesRead(before + 51);
    await collector.collect();

    const [row] = (await rowsOf("myapp")).slice(-1);
    expect(row?.instance_id).toBeNull();
    expect(Number(row?.request_count)).toBe(50);
    expect(row?.p50).toBeGreaterThan(0);
    expect(row?.p95).toBeGreaterThanOrEqual(row?.p50 ?? Number.POSITIVE_INFINITY);
    expect(row?.p99).toBeGreaterThanOrEqual(row?.p95 ?? Number.POSITIVE_INFINITY);
    expect(row?.classes).toBe("50 0 0 0");
    expect(row?.ms).toBeGreaterThan(0);
    const idle = (await rowsOf("idle")).slice(-1)[0];
    expect({ count: Number(idle?.request_count), p50: idle?.p50 }).toEqual({ count: 0, p50: null });
    expect(collector.stats()).toMatchObject({ unknownHost: 1, garbled: 0 });

    // The metrics API's series: requests over the seconds counted.
    const series = await requestSeries(db.db, appIds.myapp ?? "", 900, 10);
    expect(series.reduce((n, p) => n + p.rate, 0)).toBeGreaterThan(0);
    expect(series.find((p) => p.p50Ms !== null)?.p50Ms).toBeGreaterThan(0);
  });

  it("counts an app's 503s (no instance) without Caddy copying their entries into its own log", async () => {
    const caddyLog = caddyPaths(home.home).log;
    const logBefore = readFileSync(caddyLog, "utf8").length;
    const before = collector.stats().lines;
    for (let i = 0; i < 3; i++) expect((await get(`idle.localhost:${port}`)).status).toBe(503);
    await linesRead(before + 3);
    await collector.collect();
    const [idle] = (await rowsOf("idle")).slice(-1);
    expect({ count: Number(idle?.request_count), classes: idle?.classes }).toEqual({ count: 3, classes: "0 0 0 3" });
    // The 5xx share the dashboard charts.
    const series = await requestSeries(db.db, appIds.idle ?? "", 900, 10);
    expect(series.filter((p) => p.errorRate === 1).length).toBeGreaterThan(0);
    expect(readFileSync(caddyLog, "utf8").slice(logBefore)).not.toContain("handled request");
  });

  it("on a log written by hand: skips and counts garbled and endless lines, and follows the file through a roll", async () => {
    const path = join(home.home, "hand.log");
    writeFileSync(path, `${entry("myapp.localhost", 0.5)}\n`);
    const hosts = new Map([["myapp.localhost", "myapp"]]);
    const told: string[] = [];
    const c = createRequestCollector({
      db: db.db,
      logPath: path,
      intervalMs: 3_600_000,
      routedHosts: () => hosts,
      onRequest: (app, status, ms) => told.push(`${app} ${status} ${ms}`),
    });
    // What the file held before start is not counted.
    await c.start();
    try {
      appendFileSync(path, 'not json\n{"request":{"host":7}}\n\u0000\u00ff{{{\n');
      appendFileSync(path, `${"x".repeat(40_000)}\n${entry("MyApp.localhost:8080", 0.002, 503)}\n${entry("nobody.localhost", 0.002)}\n`);
      // Rolled as lumberjack does: renamed away (one more line lands in it), a new file at the path.
      appendFileSync(path, entry("myapp.localhost", 0.004).slice(0, 30));
      renameSync(path, `${path}.1`);
      appendFileSync(`${path}.1`, `${entry("myapp.localhost", 0.004).slice(30)}\n`);
      writeFileSync(path, `${entry("myapp.localhost", 0.006)}\n`);
      await linesRead(8, c);
      expect(c.stats()).toEqual({ lines: 8, garbled: 3, tooLong: 1, unknownHost: 1 });
      await c.collect();
      const [row] = (await rowsOf("myapp")).slice(-1);
      expect({ count: Number(row?.request_count), p50: row?.p50, p95: row?.p95, p99: row?.p99, classes: row?.classes }).toEqual({
        count: 3,
        p50: 4,
        p95: 6,
        p99: 6,
        classes: "2 0 0 1",
      });
      // Each counted request is told as its line is read (the Prometheus counters); unknown hosts are not.
      expect(told).toEqual(["myapp 503 2", "myapp 200 4", "myapp 200 6"]);
    } finally {
      await c.stop();
    }
  });
});
