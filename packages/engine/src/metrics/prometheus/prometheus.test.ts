// The platform's Prometheus registry over a real database: what each source feeds in comes out
// of the exposition, under the right names and labels.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, TEST_DRIVERS, type TestDatabase } from "@skypanel/db/testing";
import { register as globalRegistry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../../engine.ts";
import { memoryEventBus } from "../../events/index.ts";
import { createPlatformMetrics, type PlatformMetrics } from "./index.ts";

type Labels = Record<string, string | number>;

/** The value of one series as the exposition has it, or undefined when the series is absent. */
async function seriesValue(m: PlatformMetrics, name: string, labels: Labels = {}): Promise<number | undefined> {
  await m.metrics();
  const metrics = await m.registry.getMetricsAsJSON();
  for (const metric of metrics) {
    for (const v of metric.values as { metricName?: string; value: number; labels: Labels }[]) {
      if ((v.metricName ?? metric.name) !== name) continue;
      if (Object.entries(labels).every(([k, want]) => String(v.labels[k]) === String(want))) return v.value;
    }
  }
  return undefined;
}

describe.each(TEST_DRIVERS)("the Prometheus registry, on %s", (driver) => {
  let db: TestDatabase;
  let teamId: string;

  const addApp = async (name: string) => {
    const [app] = await db.sql.query<{ id: string }>("INSERT INTO applications (team_id, name) VALUES ($1, $2) RETURNING id", [
      teamId,
      name,
    ]);
    return app?.id ?? "";
  };

  beforeAll(async () => {
    db = await createTestDatabase(driver);
    const [team] = await db.sql.query<{ id: string }>("INSERT INTO teams (name) VALUES ('t') RETURNING id");
    teamId = team?.id ?? "";
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("counts each build and deployment once, by its outcome, from the engine's events", async () => {
    const bus = memoryEventBus();
    const m = createPlatformMetrics({ db: db.db, bus });
    expect(await seriesValue(m, "skypanel_builds_total", { outcome: "failed" })).toBe(0);
    bus.publish({ type: "build.updated", appId: "a", buildId: "b1", status: "running", stage: "fetch" });
    bus.publish({ type: "build.updated", appId: "a", buildId: "b1", status: "failed", stage: null });
    // The same outcome told twice (a retried publish) counts once.
    bus.publish({ type: "build.updated", appId: "a", buildId: "b1", status: "failed", stage: null });
    bus.publish({ type: "build.updated", appId: "a", buildId: "b2", status: "succeeded", stage: null });
    for (const [id, status] of [
      ["d1", "succeeded"],
      ["d2", "rolled_back"],
      ["d3", "running"],
      ["d4", "no-such-status"],
    ])
      bus.publish({ type: "deployment.updated", appId: "a", deploymentId: id as string, status: status as string });

    expect(await seriesValue(m, "skypanel_builds_total", { outcome: "failed" })).toBe(1);
    expect(await seriesValue(m, "skypanel_builds_total", { outcome: "succeeded" })).toBe(1);
    expect(await seriesValue(m, "skypanel_builds_total", { outcome: "cancelled" })).toBe(0);
    expect(await seriesValue(m, "skypanel_deployments_total", { outcome: "succeeded" })).toBe(1);
    expect(await seriesValue(m, "skypanel_deployments_total", { outcome: "rolled_back" })).toBe(1);
    expect(await seriesValue(m, "skypanel_deployments_total", { outcome: "no-such-status" })).toBeUndefined();
    m.close();
    bus.publish({ type: "build.updated", appId: "a", buildId: "b3", status: "failed", stage: null });
    expect(await seriesValue(m, "skypanel_builds_total", { outcome: "failed" })).toBe(1);
  });

  it("keeps its numbers in a registry of its own: another engine's and prom-client's global registry see none of them", async () => {
    const one = createPlatformMetrics({ db: db.db, bus: memoryEventBus() });
    const two = createPlatformMetrics({ db: db.db, bus: memoryEventBus() });
    one.httpRequest("GET", "/api/apps", 200, 0.02);
    expect(await seriesValue(one, "skypanel_http_request_duration_seconds_count", { route: "/api/apps" })).toBe(1);
    expect(await seriesValue(two, "skypanel_http_request_duration_seconds_count", { route: "/api/apps" })).toBeUndefined();
    expect(globalRegistry.getSingleMetric("skypanel_http_request_duration_seconds")).toBeUndefined();
  });

  it("times HTTP requests and tRPC calls, with a made-up method counted as 'other'", async () => {
    const m = createPlatformMetrics({ db: db.db, bus: memoryEventBus() });
    m.httpRequest("GET", "/api/apps/:app", 404, 0.003);
    m.httpRequest("BREW", "*", 404, 0.001);
    m.trpcCall("apps.list", "query", "OK", 0.2);
    m.trpcCall("apps.list", "query", "UNAUTHORIZED", 0.001);
    expect(
      await seriesValue(m, "skypanel_http_request_duration_seconds_count", { method: "GET", route: "/api/apps/:app", status: 404 }),
    ).toBe(1);
    expect(await seriesValue(m, "skypanel_http_request_duration_seconds_bucket", { method: "GET", le: 0.005 })).toBe(1);
    expect(await seriesValue(m, "skypanel_http_request_duration_seconds_count", { method: "other", route: "*" })).toBe(1);
    expect(await seriesValue(m, "skypanel_http_request_duration_seconds_count", { method: "BREW" })).toBeUndefined();
    expect(await seriesValue(m, "skypanel_trpc_call_duration_seconds_count", { procedure: "apps.list", code: "OK" })).toBe(1);
    expect(await seriesValue(m, "skypanel_trpc_call_duration_seconds_sum", { procedure: "apps.list", code: "OK" })).toBeCloseTo(0.2);
    expect(await seriesValue(m, "skypanel_trpc_call_duration_seconds_count", { code: "UNAUTHORIZED" })).toBe(1);
  });

  it("counts reconciler passes and Caddy config loads and failures", async () => {
    const m = createPlatformMetrics({ db: db.db, bus: memoryEventBus() });
    m.reconcilePass("ok", 0.04);
    m.reconcilePass("ok", 0.06);
    m.reconcilePass("failed", 1.5);
    m.routerEvent({ type: "config-loaded", reason: "applied" });
    m.routerEvent({ type: "config-loaded", reason: "drifted" });
    m.routerEvent({ type: "load-failed", error: new Error("refused"), recovered: "restored" });
    m.routerEvent({ type: "load-failed", error: new Error("refused"), recovered: null });
    m.routerEvent({ type: "caddy-started", pid: 1 });
    expect(await seriesValue(m, "skypanel_reconcile_passes_total", { outcome: "ok" })).toBe(2);
    expect(await seriesValue(m, "skypanel_reconcile_passes_total", { outcome: "failed" })).toBe(1);
    expect(await seriesValue(m, "skypanel_reconcile_pass_duration_seconds_count")).toBe(3);
    expect(await seriesValue(m, "skypanel_caddy_config_loads_total", { reason: "applied" })).toBe(1);
    expect(await seriesValue(m, "skypanel_caddy_config_loads_total", { reason: "drifted" })).toBe(1);
    expect(await seriesValue(m, "skypanel_caddy_config_load_failures_total", { recovered: "restored" })).toBe(1);
    expect(await seriesValue(m, "skypanel_caddy_config_load_failures_total", { recovered: "none" })).toBe(1);
    expect(await seriesValue(m, "skypanel_caddy_config_load_failures_total", { recovered: "restarted" })).toBe(0);
  });

  it("counts an app's requests by status class and times them; drops the series once the app is gone", async () => {
    const m = createPlatformMetrics({ db: db.db, bus: memoryEventBus() });
    const appId = await addApp("counted");
    for (const status of [200, 201, 304, 404, 500, 502]) m.appRequest("counted", status, 40);
    m.appRequest("counted", 101, null);
    const series = { app: "counted", process_type: "web" };
    expect(await seriesValue(m, "skypanel_app_requests_total", { ...series, status_class: "2xx" })).toBe(2);
    expect(await seriesValue(m, "skypanel_app_requests_total", { ...series, status_class: "3xx" })).toBe(1);
    expect(await seriesValue(m, "skypanel_app_requests_total", { ...series, status_class: "4xx" })).toBe(1);
    expect(await seriesValue(m, "skypanel_app_requests_total", { ...series, status_class: "5xx" })).toBe(2);
    // The WebSocket is counted in no class and not timed.
    expect(await seriesValue(m, "skypanel_app_request_duration_seconds_count", series)).toBe(6);
    expect(await seriesValue(m, "skypanel_app_request_duration_seconds_bucket", { ...series, le: 0.025 })).toBe(0);
    expect(await seriesValue(m, "skypanel_app_request_duration_seconds_bucket", { ...series, le: 0.05 })).toBe(6);

    await db.sql.query("DELETE FROM applications WHERE id = $1", [appId]);
    expect(await seriesValue(m, "skypanel_app_requests_total", { app: "counted" })).toBeUndefined();
    expect(await seriesValue(m, "skypanel_app_request_duration_seconds_count", { app: "counted" })).toBeUndefined();
  });

  it("reads live instances' latest readings and the job queue from the database on each scrape", async () => {
    const m = createPlatformMetrics({ db: db.db, bus: memoryEventBus() });
    const appId = await addApp("sampled");
    const usage = JSON.stringify({ cpu: { usageNs: 2_500_000_000, percent: 3 }, network: { rxBytes: 1000, txBytes: 2000 } });
    const [live] = await db.sql.query<{ id: string }>(
      `INSERT INTO instances (app_id, process_type, status, memory_bytes, resource_usage, restart_count)
       VALUES ($1, 'worker', 'running', 52428800, $2, 2) RETURNING id`,
      [appId, usage],
    );
    await db.sql.query(
      `INSERT INTO instances (app_id, process_type, status, memory_bytes, resource_usage) VALUES ($1, 'web', 'stopped', 1, $2)`,
      [appId, usage],
    );
    await db.sql.query(
      `INSERT INTO jobs (kind, payload, status) VALUES ('build', '{}', 'queued'), ('build', '{}', 'queued'), ('build', '{}', 'running'), ('deploy', '{}', 'succeeded')`,
    );
    const instance = { app: "sampled", process_type: "worker", instance: live?.id ?? "" };
    expect(await seriesValue(m, "skypanel_app_cpu_seconds_total", instance)).toBe(2.5);
    expect(await seriesValue(m, "skypanel_app_memory_bytes", instance)).toBe(52_428_800);
    expect(await seriesValue(m, "skypanel_app_network_receive_bytes_total", instance)).toBe(1000);
    expect(await seriesValue(m, "skypanel_app_network_transmit_bytes_total", instance)).toBe(2000);
    expect(await seriesValue(m, "skypanel_app_restarts_total", instance)).toBe(2);
    // The stopped instance is not live: no series.
    expect(await seriesValue(m, "skypanel_app_memory_bytes", { app: "sampled", process_type: "web" })).toBeUndefined();
    expect(await seriesValue(m, "skypanel_job_queue_depth", { kind: "build" })).toBe(2);
    expect(await seriesValue(m, "skypanel_jobs_running", { kind: "build" })).toBe(1);

    // Once it stops, its series end; the emptied queue reads 0 rather than vanishing.
    await db.sql.query("UPDATE instances SET status = 'stopped' WHERE id = $1", [live?.id]);
    await db.sql.query("UPDATE jobs SET status = 'succeeded' WHERE kind = 'build'");
    expect(await seriesValue(m, "skypanel_app_memory_bytes", instance)).toBeUndefined();
    expect(await seriesValue(m, "skypanel_job_queue_depth", { kind: "build" })).toBe(0);
    // Node's own process metrics are there too, in the same registry.
    expect(await seriesValue(m, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
  });

  it("counts the running platform's reconciler passes through the engine's own wiring", async () => {
    // Process mode without a router, on this file's database: the reconciler runs, with no app to start.
    const home = mkdtempSync(join(tmpdir(), "skypanel-prometheus-"));
    const engine = await createEngine({
      db: db.db,
      sql: db.sql,
      home,
      runtime: { mode: "process", router: false, reconcileIntervalMs: 50 },
    });
    const manager = engine.running?.manager;
    try {
      await manager?.start();
      const until = Date.now() + 10_000;
      let passes = 0;
      while (passes < 3 && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        passes = (await seriesValue(engine.prometheus, "skypanel_reconcile_passes_total", { outcome: "ok" })) ?? 0;
      }
      expect(passes).toBeGreaterThanOrEqual(3);
      expect(await seriesValue(engine.prometheus, "skypanel_reconcile_passes_total", { outcome: "failed" })).toBe(0);
      expect(await seriesValue(engine.prometheus, "skypanel_reconcile_pass_duration_seconds_count")).toBeGreaterThanOrEqual(3);
    } finally {
      await manager?.stop();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
