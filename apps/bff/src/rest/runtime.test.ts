import { withActor } from "@skypanel/db/queries";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, TEST_DRIVERS, type TestBff } from "../testing.ts";

describe.each(TEST_DRIVERS)("releases, scale and logs over REST on %s", (driver) => {
  let t: TestBff;
  let token: string;
  let appId: string;
  beforeAll(async () => {
    t = await createTestBff(driver);
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    token = await t.login("ops@example.com");
    appId = (await t.rest("POST", "/api/apps", { token, body: { name: "run-app" } })).body.id;
    const [build] = await t.database.sql.query<{ id: string }>(
      `INSERT INTO builds (app_id, number, status, source_type, store_path, plan)
       VALUES ($1, 1, 'succeeded', 'archive', '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-app', $2) RETURNING id`,
      [appId, JSON.stringify({ processes: { web: "npm start", worker: "node worker.js" } })],
    );
    const actor = { userId: (await t.engine.auth.authenticate(token))?.user.id ?? "", isAdmin: true };
    const release = await withActor(t.database.db, actor, (tx) => t.engine.releases.fromBuild(tx, actor, appId, build?.id ?? ""));
    await t.database.sql.query("UPDATE applications SET current_release_id = $1 WHERE id = $2", [release.id, appId]);
  });
  afterAll(async () => {
    await t.close();
  });

  it("lists releases and reads one by version", async () => {
    const list = await t.rest("GET", "/api/apps/run-app/releases", { token });
    expect(list.body.releases.map((r: { version: number }) => r.version)).toEqual([1]);
    expect((await t.rest("GET", "/api/apps/run-app/releases/v1", { token })).body).toMatchObject({ version: 1, kind: "build" });
    expect((await t.rest("GET", "/api/apps/run-app/releases/v7", { token })).status).toBe(404);
  });

  it("reads and sets the formation; a bad change is a 400 that changes nothing", async () => {
    expect((await t.rest("GET", "/api/apps/run-app/scale", { token })).body.formation).toEqual({ web: 1, worker: 0 });
    const put = await t.rest("PUT", "/api/apps/run-app/scale", { token, body: { web: 3, worker: 1 } });
    expect(put).toMatchObject({ status: 200, body: { formation: { web: 3, worker: 1 } } });
    const bad = await t.rest("PUT", "/api/apps/run-app/scale", { token, body: { web: 2, clock: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/no process type "clock"/);
    expect((await t.rest("PUT", "/api/apps/run-app/scale", { token, body: { web: "many" } })).status).toBe(400);
    expect((await t.rest("GET", "/api/apps/run-app/scale", { token })).body.formation).toEqual({ web: 3, worker: 1 });
  });

  it("serves metrics downsampled per range: instance averages summed, network counters as rates, requests per second", async () => {
    const [a, b] = await t.database.sql.query<{ id: string }>(
      `INSERT INTO instances (app_id, process_type, status) VALUES ($1, 'web', 'running'), ($1, 'web', 'running') RETURNING id`,
      [appId],
    );
    // Two instances, a sample every 10 s for the last minute; a's network counters grow 1,000 B/s.
    for (let i = 0; i < 6; i++) {
      const at = `now() - interval '${55 - i * 10} seconds'`;
      await t.database.sql.query(
        `INSERT INTO metrics_snapshots (app_id, instance_id, taken_at, cpu_percent, memory_bytes, net_rx_bytes, net_tx_bytes)
         VALUES ($1, $2, ${at}, 20, 100000000, ${i * 10_000}, 0), ($1, $3, ${at}, 30, 50000000, 0, 0)`,
        [appId, a?.id, b?.id],
      );
    }
    // The router's rows (no instance): three 10 s intervals in one 30 s bucket 60–90 s ago.
    const bucket30 = "to_timestamp(floor(extract(epoch FROM now()) / 30) * 30 - 60)";
    for (const [offset, count, p50, p95] of [
      [1, 100, 20, 50],
      [11, 100, 20, 50],
      [21, 400, 50, 90],
    ]) {
      await t.database.sql.query(
        `INSERT INTO metrics_snapshots (app_id, taken_at, request_count, response_time_p50_ms, response_time_p95_ms, request_interval_ms)
         VALUES ($1, ${bucket30} + interval '${offset} seconds', ${count}, ${p50}, ${p95}, 10000)`,
        [appId],
      );
    }
    // Another app's samples never show.
    const other = (await t.rest("POST", "/api/apps", { token, body: { name: "other-app" } })).body.id;
    await t.database.sql.query(`INSERT INTO metrics_snapshots (app_id, cpu_percent) VALUES ($1, 999)`, [other]);
    await t.database.sql.query(
      `INSERT INTO metrics_snapshots (app_id, request_count, request_interval_ms, response_time_p50_ms) VALUES ($1, 9999, 1000, 999)`,
      [other],
    );

    const res = await t.rest("GET", "/api/apps/run-app/metrics?range=15m", { token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ range: "15m", bucketSeconds: 10 });
    const points = res.body.points as {
      t: number;
      cpuPercent: number;
      memoryBytes: number;
      netRxBytesPerSec: number | null;
      instances: number;
    }[];
    expect(points.length).toBeGreaterThanOrEqual(6);
    expect(points.length).toBeLessThanOrEqual(7);
    for (const p of points) {
      expect(p.cpuPercent).toBeCloseTo(50 * (p.instances / 2));
      expect(p.cpuPercent).toBeLessThan(999);
    }
    expect(points.reduce((n, p) => n + p.instances, 0)).toBe(12);
    expect(points.map((p) => p.t)).toEqual([...points.map((p) => p.t)].sort((x, y) => x - y));
    const rates = points.map((p) => p.netRxBytesPerSec).filter((r): r is number => r !== null && r > 0);
    // Each insert has its own now(): a few milliseconds apart, so within 1 %.
    for (const r of rates) expect(Math.abs(r - 1000)).toBeLessThan(10);
    expect(rates.length).toBeGreaterThan(0);
    // Requests: one point per 10 s interval, the count over the seconds counted.
    expect(res.body.requests.map((p: { t: number }) => p.t)).toEqual([0, 10_000, 20_000].map((d) => res.body.requests[0].t + d));
    expect(res.body.requests.map(({ rate, p50Ms, p95Ms }: Record<string, number>) => ({ rate, p50Ms, p95Ms }))).toEqual([
      { rate: 10, p50Ms: 20, p95Ms: 50 },
      { rate: 10, p50Ms: 20, p95Ms: 50 },
      { rate: 40, p50Ms: 50, p95Ms: 90 },
    ]);

    // 1 h in 30 s buckets: the same minute in at most 3 points, nothing lost from the sums.
    const hour = (await t.rest("GET", "/api/apps/run-app/metrics", { token })).body;
    expect(hour).toMatchObject({ range: "1h", bucketSeconds: 30 });
    expect(hour.points.length).toBeLessThanOrEqual(3);
    expect(Math.max(...hour.points.map((p: { memoryBytes: number }) => p.memoryBytes))).toBeCloseTo(150_000_000);
    // 600 requests in 30 s; the percentiles averaged weighted by requests (unweighted p50 would be 30).
    expect(hour.requests).toHaveLength(1);
    expect(hour.requests[0].rate).toBeCloseTo(20);
    expect(hour.requests[0].p50Ms).toBeCloseTo(40);
    expect(hour.requests[0].p95Ms).toBeCloseTo(460 / 6);

    expect((await t.rest("GET", "/api/apps/run-app/metrics?range=2y", { token })).status).toBe(400);
  });

  it("reads the log tail, filtered, and follows new lines as Server-Sent Events", async () => {
    for (let i = 1; i <= 5; i++) t.engine.logStore.append({ appId, processType: "web", line: `hit ${i}` });
    t.engine.logStore.append({ appId, processType: "worker", stream: "stderr", line: "Error: boom" });
    await t.engine.logStore.flush();
    const tail = await t.rest("GET", "/api/apps/run-app/logs?tail=2", { token });
    expect(tail.body.lines.map((l: { line: string }) => l.line)).toEqual(["hit 5", "Error: boom"]);
    const errors = await t.rest("GET", "/api/apps/run-app/logs?level=error", { token });
    expect(errors.body.lines.map((l: { line: string }) => l.line)).toEqual(["Error: boom"]);
    expect((await t.rest("GET", "/api/apps/run-app/logs?tail=0", { token })).status).toBe(400);
    const linesSince = async (since: string) =>
      (await t.rest("GET", `/api/apps/run-app/logs?since=${encodeURIComponent(since)}`, { token })).body.lines.length;
    expect(await linesSince("10m")).toBe(6);
    expect(await linesSince(new Date(Date.now() - 3_600_000).toISOString())).toBe(6);
    expect(await linesSince(new Date(Date.now() + 60_000).toISOString())).toBe(0);
    for (const since of ["yesterday", "10y", "2025-13-45"]) {
      const bad = await t.rest("GET", `/api/apps/run-app/logs?since=${since}`, { token });
      expect(bad, since).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^Invalid input: since: /) } } });
    }

    const url = await t.listen();
    const controller = new AbortController();
    const res = await fetch(`${url}/api/apps/run-app/logs?follow=1&tail=1&process=web`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    setTimeout(() => {
      t.engine.logStore.append({ appId, processType: "worker", line: "not for this filter" });
      t.engine.logStore.append({ appId, processType: "web", line: "live line" });
    }, 200);
    while (!text.includes("live line")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const lines = [...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1] ?? "{}").line);
    expect(lines).toEqual(["hit 5", "live line"]);
    expect(text).toMatch(/^id: \d+$/m);
  });
});
