// SKYPANEL_PROMETHEUS=1 end to end, with Debian's real prometheus and prometheus-alertmanager
// (scripts/test.sh installs them: require_embedded_prometheus): the platform's own Prometheus
// scrapes a real BFF's /metrics every second with the token the platform made, the charts'
// query answers from PromQL with the values fed through the real data path (access log lines
// read by the request collector, instance readings from the database), an operator's rule
// reaches Alertmanager, and both servers are gone once the platform stops them.
//
// Rates come out of Prometheus extrapolated over their window, so absolute rates are checked
// within bounds; ratios of series scraped together (error rate, percentiles, rx/tx/cpu) are exact.
// Prometheus does not care which database the platform uses: this runs on one driver.
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import {
  createRequestCollector,
  type EmbeddedPrometheus,
  EmbeddedPrometheusError,
  embeddedPrometheusPaths,
  startEmbeddedPrometheus,
} from "@skypanel/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BffConfig, ConfigError, loadConfig } from "./config.ts";
import { scrapeTarget, scrapeTokenOf, startPlatformPrometheus } from "./embedded-prometheus.ts";
import { createApp } from "./server.ts";
import { createTestBff, TEST_DRIVERS, type TestBff, testConfig } from "./testing.ts";

const DRIVER = TEST_DRIVERS.at(-1) ?? "pglite";

/** Polls `probe` every 200 ms until it gives a value, for at most `ms`. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe(`the platform's own Prometheus and Alertmanager (${DRIVER})`, () => {
  let t: TestBff;
  let server: Server;
  let config: BffConfig;
  let prometheus: EmbeddedPrometheus;
  let session: string;
  let appId: string;
  let instanceId: string;
  let feed: (lines: [status: number, seconds: number][]) => Promise<void>;
  let stopCollector: () => Promise<void>;

  /** One instant PromQL value, or undefined while there is none. */
  const promValue = async (query: string) => {
    const res = await fetch(`${prometheus.prometheusUrl}/api/v1/query?${new URLSearchParams({ query })}`);
    const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
    const value = body.data.result[0]?.value[1];
    return value === undefined ? undefined : Number(value);
  };

  beforeAll(async () => {
    t = await createTestBff(DRIVER);
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    session = await t.login("ops@example.com");
    appId = (await t.rest("POST", "/api/apps", { token: session, body: { name: "shop" } })).body.id;
    // A running web instance as the supervisor leaves it: its latest reading on its row.
    const [instance] = await t.database.sql.query<{ id: string }>(
      `INSERT INTO instances (app_id, process_type, status, memory_bytes, resource_usage, restart_count)
       VALUES ($1, 'web', 'running', 73400320, $2, 0) RETURNING id`,
      [appId, JSON.stringify({ cpu: { usageNs: 10e9, percent: 1 }, network: { rxBytes: 1e6, txBytes: 2e6 } })],
    );
    instanceId = instance?.id ?? "";

    // Requests as Caddy logs them, read by the request collector into the engine's registry.
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
    stopCollector = () => collector.stop();
    feed = async (lines) => {
      appendFileSync(
        logPath,
        lines.map(([status, duration]) => `${JSON.stringify({ request: { host: "shop.localhost" }, duration, status })}\n`).join(""),
      );
      await collector.read();
    };

    // An operator's rule: fires as soon as the platform has been scraped.
    const paths = embeddedPrometheusPaths(t.home);
    mkdirSync(paths.rulesDir, { recursive: true });
    writeFileSync(
      join(paths.rulesDir, "scraped.yml"),
      JSON.stringify({ groups: [{ name: "test", rules: [{ alert: "SkyPanelScraped", expr: 'up{job="skypanel"} == 1' }] }] }),
    );

    // The BFF as main.ts runs it, on a port known only once it listens: no SKYPANEL_METRICS_TOKEN,
    // so the scrape token is the one the platform makes and keeps.
    let app: ReturnType<typeof createApp> | null = null;
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: (req) => (app as ReturnType<typeof createApp>).fetch(req), port: 0, hostname: "127.0.0.1" }, (info) =>
        resolve(info.port),
      ) as Server;
    });
    config = { ...testConfig(t.home), port, prometheus: { retention: "1d", scrapeIntervalSeconds: 1 } };
    const token = scrapeTokenOf(config) ?? "";
    app = createApp(t.engine, { ...config, metricsToken: token });
    prometheus = (await startPlatformPrometheus(t.engine, config, token, { startTimeoutMs: 20_000 })) as EmbeddedPrometheus;
  });

  afterAll(async () => {
    await stopCollector?.();
    await prometheus?.stop();
    server?.close();
    await t?.close();
  });

  it("scrapes /metrics with a token it made and keeps 0600 in the home, never written into its config", async () => {
    const paths = embeddedPrometheusPaths(t.home);
    const token = readFileSync(paths.generatedTokenFile, "utf8").trim();
    expect(token).toMatch(/^skpm_[\w-]{32}$/);
    for (const file of [paths.generatedTokenFile, paths.scrapeTokenFile]) expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(scrapeTokenOf(config)).toBe(token);
    expect(readFileSync(paths.prometheusConfig, "utf8")).not.toContain(token);
    // The platform's own target is up: the scrape with that token was accepted.
    expect(await until("a successful scrape", async () => ((await promValue('up{job="skypanel"}')) === 1 ? 1 : undefined))).toBe(1);
    // honor_labels: the exposition's instance label (the instance's id) is kept, not replaced by host:port.
    expect(await promValue(`skypanel_app_memory_bytes{app="shop",instance="${instanceId}"}`)).toBe(73_400_320);
  });

  it("answers the app's charts from PromQL: resources and requests with the values fed in", async () => {
    // Batch A (two of B) makes the series; batch B, with more CPU and network, is what the charts show.
    const batch: [number, number][] = [
      ...Array.from({ length: 5 }, (_, i) => [i < 3 ? 200 : 201, 0.03] as [number, number]),
      ...Array.from({ length: 4 }, (_, i) => [i === 0 ? 404 : i === 1 ? 503 : 200, 0.2] as [number, number]),
      [503, 3],
      // A WebSocket: no status class, not timed.
      [101, 30],
    ];
    await feed([...batch, ...batch]);
    await until("batch A scraped", async () =>
      (await promValue('skypanel_app_request_duration_seconds_count{app="shop"}')) === 20 ? true : undefined,
    );
    await t.database.sql.query("UPDATE instances SET resource_usage = $2 WHERE id = $1", [
      instanceId,
      JSON.stringify({ cpu: { usageNs: 12e9, percent: 1 }, network: { rxBytes: 1.5e6, txBytes: 3e6 } }),
    ]);
    await feed(batch);
    await until("batch B and the new reading scraped", async () =>
      (await promValue('skypanel_app_request_duration_seconds_count{app="shop"}')) === 30 &&
      (await promValue('skypanel_app_cpu_seconds_total{app="shop"}')) === 12
        ? true
        : undefined,
    );
    // One more scrape, so the windows ending now hold samples on both sides of the jump.
    await new Promise((r) => setTimeout(r, 1100));

    const res = await t.rest("GET", "/api/apps/shop/metrics?range=15m", { token: session });
    expect(res.status).toBe(200);
    const series = res.body as {
      bucketSeconds: number;
      points: {
        t: number;
        cpuPercent: number | null;
        memoryBytes: number | null;
        netRxBytesPerSec: number | null;
        netTxBytesPerSec: number | null;
        instances: number;
      }[];
      requests: { t: number; rate: number; p50Ms: number | null; p95Ms: number | null; p99Ms: number | null; errorRate: number | null }[];
    };
    expect(series.bucketSeconds).toBe(10);
    // The database holds no samples of this app: every point here came from Prometheus.
    expect(series.points.length).toBeGreaterThan(0);
    const now = Date.now();
    for (const p of [...series.points, ...series.requests]) {
      expect(p.t % 10_000).toBe(0);
      expect(p.t).toBeGreaterThan(now - 16 * 60_000);
      expect(p.t).toBeLessThanOrEqual(now);
    }
    for (const p of series.points) {
      expect(p.instances).toBe(1);
      expect(p.memoryBytes).toBeCloseTo(73_400_320, 3);
    }
    // The filling bucket is there too, read at now.
    expect(series.points.at(-1)?.t).toBe(Math.floor(now / 10_000) * 10_000);

    // CPU 2 s, rx 0.5 MB, tx 1 MB in one scrape interval: windows holding that jump show all three, in those proportions.
    const busy = series.points.filter((p) => (p.cpuPercent ?? 0) > 0);
    expect(busy.length).toBeGreaterThan(0);
    for (const p of busy) {
      // 2 CPU-seconds within an 11 s window at least, within 1 s (one scrape interval) at most.
      expect(p.cpuPercent).toBeGreaterThanOrEqual(200 / 11 - 1e-9);
      expect(p.cpuPercent).toBeLessThanOrEqual(200);
      expect((p.netRxBytesPerSec ?? 0) / (p.cpuPercent ?? 1)).toBeCloseTo(0.5e6 / 200, 6);
      expect((p.netTxBytesPerSec ?? 0) / (p.netRxBytesPerSec ?? 1)).toBeCloseTo(2, 9);
    }

    // Requests: B's 10 classed ones, 2 of them 5xx; 5 at 30 ms, 4 at 200 ms, 1 at 3 s.
    const counted = series.requests.filter((p) => p.errorRate !== null);
    expect(counted.length).toBeGreaterThan(0);
    for (const p of counted) {
      expect(p.rate).toBeGreaterThanOrEqual(10 / 11 - 1e-9);
      expect(p.rate).toBeLessThanOrEqual(10);
      expect(p.errorRate).toBeCloseTo(0.2, 9);
      // From the histogram's buckets (le 0.025–0.05, 2.5–5 s), interpolated linearly: 50 ms, 3.75 s, 4.75 s.
      expect(p.p50Ms).toBeCloseTo(50, 6);
      expect(p.p95Ms).toBeCloseTo(3750, 6);
      expect(p.p99Ms).toBeCloseTo(4750, 6);
    }
    // Before B, the app was quiet: a rate of 0 and no percentiles, as the database path shows quiet buckets.
    for (const p of series.requests.filter((x) => x.errorRate === null))
      expect({ rate: p.rate, p50Ms: p.p50Ms }).toEqual({ rate: 0, p50Ms: null });
  });

  it("runs Alertmanager, which receives what the operator's rules fire", async () => {
    const ready = await fetch(`${prometheus.alertmanagerUrl}/-/ready`);
    expect(ready.status).toBe(200);
    const alerts = await until("the rule's alert in Alertmanager", async () => {
      const list = (await (await fetch(`${prometheus.alertmanagerUrl}/api/v2/alerts`)).json()) as { labels: Record<string, string> }[];
      return list.some((a) => a.labels.alertname === "SkyPanelScraped") ? list : undefined;
    });
    expect(alerts.find((a) => a.labels.alertname === "SkyPanelScraped")?.labels.job).toBe("skypanel");
    // Loopback only.
    expect(new URL(prometheus.alertmanagerUrl).hostname).toBe("127.0.0.1");
  });

  it("starts Alertmanager again when it dies", async () => {
    const first = prometheus.pids().alertmanager as number;
    process.kill(first, "SIGKILL");
    const second = await until("a new Alertmanager", async () => {
      const pid = prometheus.pids().alertmanager;
      return pid && pid !== first && (await fetch(`${prometheus.alertmanagerUrl}/-/ready`)).status === 200 ? pid : undefined;
    });
    expect(alive(first)).toBe(false);
    expect(alive(second)).toBe(true);
  });

  it("stops both with the platform; the charts then say Prometheus cannot be read", async () => {
    const pids = prometheus.pids();
    expect(pids.prometheus).toBeGreaterThan(0);
    expect(pids.alertmanager).toBeGreaterThan(0);
    await prometheus.stop();
    expect(alive(pids.prometheus as number)).toBe(false);
    expect(alive(pids.alertmanager as number)).toBe(false);
    expect(prometheus.pids()).toEqual({ prometheus: null, alertmanager: null });
    const res = await t.rest("GET", "/api/apps/shop/metrics?range=1h", { token: session });
    expect(res.status).toBe(412);
    expect(res.body.error.message).toMatch(/Prometheus at http:\/\/127\.0\.0\.1:\d+ could not be read \(nothing listens there\)/);
  });

  it("refuses to start without the binaries, saying how to install them", async () => {
    const start = startEmbeddedPrometheus({
      home: t.home,
      target: "127.0.0.1:9",
      scrapeToken: "x".repeat(16),
      retention: "1d",
      scrapeIntervalSeconds: 10,
      alertmanagerBinary: "/nonexistent/prometheus-alertmanager",
    });
    await expect(start).rejects.toThrow(EmbeddedPrometheusError);
    await expect(start).rejects.toThrow(
      /\/nonexistent\/prometheus-alertmanager cannot be found: set SKYPANEL_PROMETHEUS=1 and run scripts\/up\.sh/,
    );
  });
});

describe("SKYPANEL_PROMETHEUS settings", () => {
  it("is off by default; on, it takes a retention, a scrape interval and optional ports", () => {
    expect(loadConfig({}).prometheus).toBeNull();
    expect(loadConfig({ SKYPANEL_PROMETHEUS: "1" }).prometheus).toEqual({ retention: "15d", scrapeIntervalSeconds: 10 });
    expect(
      loadConfig({
        SKYPANEL_PROMETHEUS: "yes",
        SKYPANEL_PROMETHEUS_RETENTION: "1w2d",
        SKYPANEL_PROMETHEUS_SCRAPE_INTERVAL_SECONDS: "5",
        SKYPANEL_PROMETHEUS_PORT: "9190",
        SKYPANEL_ALERTMANAGER_PORT: "",
      }).prometheus,
    ).toEqual({ retention: "1w2d", scrapeIntervalSeconds: 5, prometheusPort: 9190 });
    // Set but empty is unset.
    expect(loadConfig({ SKYPANEL_PROMETHEUS: "1", SKYPANEL_PROMETHEUS_RETENTION: "" }).prometheus?.retention).toBe("15d");
  });

  it("refuses a retention Prometheus would not take, intervals out of range, and ports that clash", () => {
    for (const bad of [
      { SKYPANEL_PROMETHEUS_RETENTION: "15 days" },
      { SKYPANEL_PROMETHEUS_RETENTION: "15d; rm -rf /" },
      { SKYPANEL_PROMETHEUS_SCRAPE_INTERVAL_SECONDS: "0" },
      { SKYPANEL_PROMETHEUS_SCRAPE_INTERVAL_SECONDS: "1.5" },
      { SKYPANEL_PROMETHEUS_PORT: "70000" },
      { SKYPANEL_PROMETHEUS_PORT: "9190", SKYPANEL_ALERTMANAGER_PORT: "9190" },
      { SKYPANEL_ALERTMANAGER_PORT: "3000" },
    ])
      expect(() => loadConfig({ SKYPANEL_PROMETHEUS: "1", ...bad }), JSON.stringify(bad)).toThrow(ConfigError);
  });

  it("scrapes the server where this machine reaches it", () => {
    expect(scrapeTarget("0.0.0.0", 3000)).toBe("127.0.0.1:3000");
    expect(scrapeTarget("::", 3000)).toBe("[::1]:3000");
    expect(scrapeTarget("fd00::1", 3000)).toBe("[fd00::1]:3000");
    expect(scrapeTarget("panel.internal", 8000)).toBe("panel.internal:8000");
  });
});
