// Alert evaluation against a real database (both drivers) with an injected clock: each kind's
// threshold and duration, a firing alert told once and its resolve told once, and the notices as
// a real webhook receiver on loopback gets them (signed). Rows are written as the platform writes
// them: router rows, instance samples, instances, deployments, domains.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";
import { createEvaluator } from "./evaluator.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./testing.ts";

describe.each(TEST_DRIVERS)("alert evaluation on %s", (driver) => {
  let t: TestEngine;
  let hook: WebhookReceiver;
  let owner: Awaited<ReturnType<TestEngine["user"]>>;
  let appId: string;
  let channelId: string;
  // The injected clock: every reading and every write below is placed relative to it.
  let now = new Date("2026-12-01T12:00:00Z");
  const sec = (s: number) => new Date(now.getTime() + s * 1000);
  const evaluator = () =>
    createEvaluator({
      db: t.database.db,
      keyring: t.engine.deps.keyring,
      now: () => now,
      runtimeEnabled: true,
      // The test engine's policy: the receiver listens on loopback, which the platform refuses unless allowed.
      delivery: { attempts: 1, timeoutMs: 2000, outbound: t.engine.deps.outbound },
      onError: (err) => {
        throw err;
      },
    });
  let ev: ReturnType<typeof evaluator>;

  const events = async () =>
    t.database.sql.query<{ kind: string; state: string; value: number | null; message: string; deliveries: unknown }>(
      "SELECT kind, state, value, message, deliveries FROM alert_events WHERE app_id = $1 ORDER BY id",
      [appId],
    );
  const rule = (kind: string, extra: { threshold?: number; durationSeconds?: number } = {}) =>
    t.engine.alerts.createRule(owner, "watched", { kind, ...extra, channelIds: [channelId] });
  const routerRow = (at: Date, p95: number | null, requests = 100, errors = 0) =>
    t.database.sql.query(
      `INSERT INTO metrics_snapshots (app_id, taken_at, request_count, response_time_p50_ms, response_time_p95_ms, request_interval_ms, requests_5xx)
       VALUES ($1, $2, $3, $4, $4, 10000, $5)`,
      [appId, at.toISOString(), requests, p95, errors],
    );
  const evaluate = async () => {
    await ev.evaluateApp(appId);
    await ev.settled();
  };

  beforeAll(async () => {
    t = await createTestEngine(driver);
    hook = await startWebhookReceiver();
    owner = await t.user("owner@example.com");
    appId = (await t.engine.apps.create(owner, { name: "watched" })).id;
    const teamId = (await t.engine.apps.get(owner, "watched")).teamId;
    const channel = await t.engine.alerts.createChannel(owner, teamId, { name: "ops hook", type: "webhook", url: hook.url });
    channelId = channel.id;
    hook.secret = channel.signingSecret ?? "";
  });
  afterAll(async () => {
    await hook.close();
    await t.close();
  });
  beforeEach(async () => {
    // Each test starts with no rules, no readings, no history, and a fresh evaluator (its memory).
    for (const table of ["alert_rules", "alert_events", "metrics_snapshots", "instances", "deployments", "domains"]) {
      await t.database.sql.query(`DELETE FROM ${table}`);
    }
    hook.received.length = 0;
    now = new Date(now.getTime() + 3_600_000);
    ev = evaluator();
  });

  it("latency_p95: fires once the p95 has been above the threshold for the duration, tells once, resolves once", async () => {
    await rule("latency_p95", { threshold: 500, durationSeconds: 60 });
    // 30 s of slow intervals (three rows of 10 s): above, but not yet for 60 s.
    for (const s of [-20, -10, 0]) await routerRow(sec(s), 800);
    await evaluate();
    expect(await events()).toEqual([]);

    // A fast interval before them does not count: the run of slow ones is what lasts.
    await routerRow(sec(-30), 50);
    now = sec(40);
    for (const s of [-30, -20, -10, 0]) await routerRow(sec(s), 900);
    await evaluate();
    expect(await events()).toMatchObject([{ kind: "latency_p95", state: "firing", value: 900 }]);
    expect((await events())[0]?.message).toMatch(/900 ms, above 500 ms/);

    // Still slow: no second notice.
    now = sec(10);
    await routerRow(now, 1200);
    await evaluate();
    await evaluate();
    expect((await events()).map((e) => e.state)).toEqual(["firing"]);

    // One fast interval resolves it, once.
    now = sec(10);
    await routerRow(now, 120);
    await evaluate();
    await evaluate();
    expect((await events()).map((e) => e.state)).toEqual(["firing", "resolved"]);

    expect(hook.received.map((r) => (r.json as { state: string }).state)).toEqual(["firing", "resolved"]);
    expect(hook.received.every((r) => r.signed)).toBe(true);
    expect(hook.received[0]?.json).toMatchObject({
      type: "alert.firing",
      app: { id: appId, name: "watched" },
      rule: { kind: "latency_p95", threshold: 500, durationSeconds: 60, description: "Response time (p95) above 500 ms for 1 min" },
      value: 900,
    });
    expect((await events()).map((e) => e.deliveries)).toEqual([
      [expect.objectContaining({ channelId, name: "ops hook", type: "webhook", ok: true, attempts: 1 })],
      [expect.objectContaining({ ok: true })],
    ]);
  });

  it("latency_p95: rows older than two minutes say nothing about now; an idle app is not slow", async () => {
    await rule("latency_p95", { threshold: 500, durationSeconds: 0 });
    await routerRow(sec(-180), 5000);
    await evaluate();
    await routerRow(sec(0), null, 0);
    await evaluate();
    expect(await events()).toEqual([]);
  });

  it("error_rate_5xx: the share of 5xx answers over the window, above the threshold fires, below resolves", async () => {
    await rule("error_rate_5xx", { threshold: 10, durationSeconds: 60 });
    await routerRow(sec(-30), 20, 100, 5);
    await routerRow(sec(0), 20, 100, 10);
    await evaluate();
    expect(await events()).toEqual([]); // 15 of 200 = 7.5 %

    await routerRow(sec(-10), 20, 100, 30);
    await evaluate();
    expect(await events()).toMatchObject([{ state: "firing", value: 15 }]); // 45 of 300
    expect((await events())[0]?.message).toMatch(/45 of 300 requests \(15 %\) answered 5xx/);

    // The window moves on past the bad intervals.
    now = sec(90);
    await routerRow(sec(-5), 20, 100, 1);
    await evaluate();
    expect((await events()).map((e) => [e.state, e.value])).toEqual([
      ["firing", 15],
      ["resolved", 1],
    ]);
  });

  it("memory: an instance above the share of its formation's limit for the duration fires; when its samples stop it resolves", async () => {
    await t.release(owner, appId, { web: "node server.js" });
    await t.database.sql.query(
      `INSERT INTO formations (app_id, process_type, quantity, memory_mb) VALUES ($1, 'web', 1, 100)
       ON CONFLICT (app_id, process_type) DO UPDATE SET memory_mb = 100`,
      [appId],
    );
    const [instance] = await t.database.sql.query<{ id: string }>(
      "INSERT INTO instances (app_id, process_type, status) VALUES ($1, 'web', 'running') RETURNING id",
      [appId],
    );
    await rule("memory", { threshold: 80, durationSeconds: 30 });
    const sample = (at: Date, mib: number) =>
      t.database.sql.query(
        "INSERT INTO metrics_snapshots (app_id, instance_id, process_type, taken_at, memory_bytes, cpu_percent) VALUES ($1, $2, 'web', $3, $4, 1)",
        [appId, instance?.id, at.toISOString(), mib * 1024 * 1024],
      );
    await sample(sec(-20), 70);
    await sample(sec(-10), 85);
    await sample(sec(0), 90);
    await evaluate();
    expect(await events()).toEqual([]); // above for 10 s only

    now = sec(30);
    await sample(sec(-10), 88);
    await sample(sec(0), 91);
    await evaluate();
    expect(await events()).toMatchObject([{ kind: "memory", state: "firing", value: 91 }]);
    expect((await events())[0]?.message).toMatch(/web instance uses 91 % of its memory limit, above 80 %/);

    now = sec(300);
    await evaluate();
    expect((await events()).map((e) => e.state)).toEqual(["firing", "resolved"]);
  });

  it("crash_loop and instance_down: read from the current release's instances against the formation", async () => {
    await t.release(owner, appId, { web: "node server.js" });
    await t.database.sql.query(
      `INSERT INTO formations (app_id, process_type, quantity) VALUES ($1, 'web', 2)
       ON CONFLICT (app_id, process_type) DO UPDATE SET quantity = 2`,
      [appId],
    );
    const instance = (status: string, exitReason: string | null = null) =>
      t.database.sql.query<{ id: string }>(
        `INSERT INTO instances (app_id, release_id, process_type, status, health_status, exit_reason)
         SELECT id, current_release_id, 'web', $2, 'healthy', $3 FROM applications WHERE id = $1 RETURNING id`,
        [appId, status, exitReason],
      );
    await rule("crash_loop");
    await rule("instance_down", { durationSeconds: 60 });
    await instance("running");
    await instance("running");
    await evaluate();
    expect(await events()).toEqual([]);

    await instance("failed", "crash loop: exited with code 1");
    await t.database.sql.query(
      "UPDATE instances SET status = 'stopped' WHERE status = 'running' AND id IN (SELECT id FROM instances LIMIT 1)",
    );
    await evaluate();
    // The crash loop fires at once; one instance of two down must last 60 s first.
    expect(await events()).toMatchObject([{ kind: "crash_loop", state: "firing", message: "web: crash loop: exited with code 1" }]);
    now = sec(59);
    await evaluate();
    expect(await events()).toHaveLength(1);
    now = sec(1);
    await evaluate();
    expect(await events()).toMatchObject([
      { kind: "crash_loop", state: "firing" },
      { kind: "instance_down", state: "firing", value: 1, message: "web: 1 of 2 instances up" },
    ]);

    // A new instance comes up after the loop: both resolve.
    await instance("running");
    await evaluate();
    expect((await events()).slice(2)).toMatchObject([
      { kind: "crash_loop", state: "resolved" },
      { kind: "instance_down", state: "resolved" },
    ]);
    expect(hook.received).toHaveLength(4);
  });

  it("deploy_failed: a deploy that fails after the rule was made fires; the next that succeeds resolves", async () => {
    await t.release(owner, appId, { web: "node server.js" });
    const deploy = (status: string, finishedAt: Date, error: string | null = null) =>
      t.database.sql.query(
        `INSERT INTO deployments (app_id, release_id, status, error, finished_at)
         SELECT id, current_release_id, $2, $3, $4 FROM applications WHERE id = $1`,
        [appId, status, error, finishedAt.toISOString()],
      );
    await deploy("failed", new Date(Date.now() - 3_600_000), "old news");
    const r = await rule("deploy_failed");
    // The rule's creation is stamped by the database's clock; deploys are placed after it.
    const after = (s: number) => new Date(r.createdAt.getTime() + s * 1000);
    await evaluate();
    expect(await events()).toEqual([]);
    await deploy("failed", after(5), "the health check never passed");
    await evaluate();
    expect(await events()).toMatchObject([{ state: "firing", message: "The deploy failed: the health check never passed" }]);
    await deploy("succeeded", after(10));
    await evaluate();
    expect((await events()).map((e) => e.state)).toEqual(["firing", "resolved"]);
  });

  it("certificate: a domain whose certificate expires within D days, or failed, fires; renewed, it resolves", async () => {
    await rule("certificate", { threshold: 14 });
    await t.database.sql.query(
      "INSERT INTO domains (app_id, hostname, tls_status, cert_expires_at) VALUES ($1, 'www.watched.test', 'issued', $2)",
      [appId, sec(30 * 86_400).toISOString()],
    );
    await evaluate();
    expect(await events()).toEqual([]);
    await t.database.sql.query("UPDATE domains SET cert_expires_at = $1", [sec(3 * 86_400 + 60).toISOString()]);
    await evaluate();
    expect(await events()).toMatchObject([
      { state: "firing", message: expect.stringMatching(/^www\.watched\.test: the certificate expires in 3 days/) },
    ]);
    await t.database.sql.query("UPDATE domains SET cert_expires_at = $1", [sec(90 * 86_400).toISOString()]);
    await evaluate();
    await t.database.sql.query("UPDATE domains SET tls_status = 'error', error = 'The ACME CA refused a certificate'");
    await evaluate();
    expect((await events()).map((e) => [e.state, e.message])).toEqual([
      ["firing", expect.stringMatching(/^www\.watched\.test: the certificate expires in 3 days/)],
      ["resolved", "No certificate failed or expires within 14 days."],
      ["firing", "www.watched.test: The ACME CA refused a certificate"],
    ]);
  });

  it("autoscaler_max: fires on the autoscaler's decision at its maximum and resolves when it is below", async () => {
    await rule("autoscaler_max");
    const decide = (atMax: boolean) =>
      ev.onBusEvent({ type: "autoscale.decision", appId, processType: "web", quantity: 4, maxInstances: 4, atMax, reason: "cpu 95 %" });
    decide(true);
    await evaluate();
    decide(true);
    await evaluate();
    decide(false);
    await evaluate();
    expect((await events()).map((e) => [e.state, e.message])).toEqual([
      ["firing", "web: at its maximum of 4 instances and wants more"],
      ["resolved", "The autoscaler is below its maximum."],
    ]);
  });

  it("a channel that fails is recorded on the history, after its retries, and does not hold up evaluation", async () => {
    hook.answer(503);
    const retrying = createEvaluator({
      db: t.database.db,
      keyring: t.engine.deps.keyring,
      now: () => now,
      runtimeEnabled: true,
      delivery: { attempts: 2, retryDelayMs: 10, timeoutMs: 2000, outbound: t.engine.deps.outbound },
    });
    try {
      await rule("latency_p95", { threshold: 100, durationSeconds: 0 });
      await routerRow(now, 400);
      await retrying.evaluateApp(appId);
      // The event is written before any channel is told.
      expect(await events()).toMatchObject([{ state: "firing", deliveries: [] }]);
      await retrying.settled();
      expect((await events())[0]?.deliveries).toEqual([
        expect.objectContaining({ ok: false, attempts: 2, error: expect.stringMatching(/answered 503: refused/) }),
      ]);
      expect(hook.received).toHaveLength(2);
    } finally {
      hook.answer(200);
    }
  });

  it("a rule turned off closes its open alert without a notice, and is no longer evaluated", async () => {
    const r = await rule("latency_p95", { threshold: 100, durationSeconds: 0 });
    await routerRow(now, 400);
    await evaluate();
    const updated = await t.engine.alerts.updateRule(owner, "watched", r.id, { enabled: false });
    expect(updated).toMatchObject({ enabled: false, state: "ok" });
    await evaluate();
    expect((await events()).map((e) => [e.state, e.message])).toEqual([
      ["firing", "p95 response time is 400 ms, above 100 ms."],
      ["resolved", "The rule was turned off."],
    ]);
    expect(hook.received).toHaveLength(1);
  });
});
