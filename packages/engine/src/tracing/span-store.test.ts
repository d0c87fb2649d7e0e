// The span processor that keeps build and deployment spans for the dashboard, against a real
// database, and the waterfall reads on top of it (engine.traces).
import { SpanStatusCode } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { StageTracker } from "../builds/stages.ts";
import { StepRecorder } from "../deploy/steps.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";
import { createTracing, type Tracing } from "./tracing.ts";

describe.each(TEST_DRIVERS)("build and deployment spans kept in the database on %s", (driver) => {
  let t: TestEngine;
  let tracing: Tracing;
  let alice: Actor;
  let appId: string;
  const warnings: unknown[] = [];

  const newBuild = async () => {
    const [row] = await t.database.sql.query<{ id: string }>(
      `INSERT INTO builds (app_id, number, status, source_type)
       VALUES ($1, coalesce((SELECT max(number) FROM builds WHERE app_id = $1), 0) + 1, 'running', 'archive') RETURNING id`,
      [appId],
    );
    return row?.id ?? "";
  };
  const newDeployment = async () => {
    const [row] = await t.database.sql.query<{ id: string }>("INSERT INTO deployments (app_id) VALUES ($1) RETURNING id", [appId]);
    return row?.id ?? "";
  };
  const buildAttrs = (id: string) => ({ "skypanel.app.id": appId, "skypanel.build.id": id });
  const count = async () => Number((await t.database.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM trace_spans"))[0]?.n);

  beforeAll(async () => {
    t = await createTestEngine(driver);
    alice = await t.user("tracer@example.com");
    appId = (await t.engine.apps.create(alice, { name: "traced" })).id;
    // Failed writes are reported, not thrown: collected to assert on.
    tracing = createTracing({ db: t.database.db, settings: { retentionDays: 14 }, onStoreError: (err) => warnings.push(err) });
  });
  afterAll(async () => {
    await tracing.shutdown();
    await t.close();
  });

  it("keeps a build's stages under its root, in order, with attributes, and the failure on both", async () => {
    const id = await newBuild();
    const trace = tracing.subject("build", { ...buildAttrs(id), "skypanel.build.number": 1 });
    const stages = new StageTracker(async () => {}, trace);
    await stages.run("fetch", async () => ({ detail: "12 files" }));
    await expect(
      stages.run("detect", async () => {
        throw new Error("no stack matched: add a package.json");
      }),
    ).rejects.toThrow(/no stack/);
    await stages.abandon("failed");
    trace.end("failed", "no stack matched: add a package.json");
    await tracing.flush();

    const view = await t.engine.traces.forBuild(alice, "traced", id);
    expect(view.spans.map((s) => [s.name, s.status])).toEqual([
      ["build pipeline", "error"],
      ["fetch", "ok"],
      ["detect", "error"],
    ]);
    const [root, fetch, detect] = view.spans;
    expect(root?.parentSpanId).toBeNull();
    expect(fetch?.parentSpanId).toBe(root?.spanId);
    expect(detect?.parentSpanId).toBe(root?.spanId);
    expect(view.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(detect?.statusMessage).toBe("no stack matched: add a package.json");
    expect(root?.statusMessage).toBe("no stack matched: add a package.json");
    expect(root?.attributes).toMatchObject({ "skypanel.build.id": id, "skypanel.build.number": 1, "skypanel.outcome": "failed" });
    expect(fetch?.attributes).toMatchObject({ "skypanel.build.id": id, "skypanel.app.id": appId });
    for (const s of view.spans) expect(s.durationMs).toBeGreaterThanOrEqual(0);
    expect((fetch?.startedAt.getTime() ?? 0) >= (root?.startedAt.getTime() ?? Infinity)).toBe(true);
  });

  it("shows a running stage before it ends, then its end", async () => {
    const id = await newBuild();
    const trace = tracing.subject("build", buildAttrs(id));
    trace.startStep("build");
    await tracing.flush();
    const running = await t.engine.traces.forBuild(alice, "traced", id);
    expect(running.spans.map((s) => [s.name, s.status, s.endedAt, s.durationMs])).toEqual([
      ["build pipeline", "running", null, null],
      ["build", "running", null, null],
    ]);
    trace.end();
    await tracing.flush();
    const done = await t.engine.traces.forBuild(alice, "traced", id);
    expect(done.spans.map((s) => s.status)).toEqual(["ok", "ok"]);
    expect(done.spans.every((s) => s.endedAt !== null)).toBe(true);
  });

  it("nests a deployment step's work below the step, repeating the deployment's attributes", async () => {
    const id = await newDeployment();
    const trace = tracing.subject("deployment", { "skypanel.app.id": appId, "skypanel.deployment.id": id });
    const steps = new StepRecorder(async () => {}, trace);
    await steps.run("web: roll out 1 instance(s)", async () => {
      await tracing.inSpan("start instance", { "skypanel.process.type": "web" }, async () => {});
      await tracing.inSpan("wait for health", {}, async () => {});
    });
    await expect(
      steps.run("switch", async () => {
        await tracing.inSpan("sync routes", {}, async () => {
          throw new Error("Caddy refused the routes");
        });
      }),
    ).rejects.toThrow(/Caddy/);
    trace.end("failed", "Caddy refused the routes");
    await tracing.flush();

    const view = await t.engine.traces.forDeployment(alice, "traced", id);
    const byName = new Map(view.spans.map((s) => [s.name, s]));
    expect([...byName.keys()].sort()).toEqual(
      ["deployment", "start instance", "switch", "sync routes", "wait for health", "web: roll out 1 instance(s)"].sort(),
    );
    const root = byName.get("deployment");
    const rollout = byName.get("web: roll out 1 instance(s)");
    expect(rollout?.parentSpanId).toBe(root?.spanId);
    expect(byName.get("start instance")?.parentSpanId).toBe(rollout?.spanId);
    expect(byName.get("wait for health")?.parentSpanId).toBe(rollout?.spanId);
    expect(byName.get("sync routes")?.parentSpanId).toBe(byName.get("switch")?.spanId);
    expect(byName.get("start instance")?.attributes).toMatchObject({ "skypanel.deployment.id": id, "skypanel.process.type": "web" });
    expect([byName.get("sync routes")?.status, byName.get("switch")?.status, root?.status]).toEqual(["error", "error", "error"]);
    expect(rollout?.status).toBe("ok");
  });

  it("keeps no span without a build or deployment id (or with one that is not an id)", async () => {
    const before = await count();
    tracing.tracer.startSpan("GET /api/apps").end();
    tracing.tracer.startSpan("forged", { attributes: { "skypanel.build.id": "'; DROP TABLE builds; --" } }).end();
    await tracing.inSpan("outside any trace", {}, async () => {});
    const failed = tracing.tracer.startSpan("errored", { attributes: { "skypanel.deployment.id": "not-a-uuid" } });
    failed.setStatus({ code: SpanStatusCode.ERROR });
    failed.end();
    await tracing.flush();
    expect(await count()).toBe(before);
  });

  it("shows the latest run of a build run twice (a restart), and none to a stranger", async () => {
    const id = await newBuild();
    const first = tracing.subject("build", buildAttrs(id));
    first.end("interrupted", "the control plane is stopping");
    await new Promise((r) => setTimeout(r, 5));
    const second = tracing.subject("build", buildAttrs(id));
    second.startStep("fetch");
    second.endStep("fetch");
    second.end();
    await tracing.flush();
    const view = await t.engine.traces.forBuild(alice, "traced", id);
    expect(view.traceId).toBe(second.root.spanContext().traceId);
    expect(view.spans.map((s) => s.name)).toEqual(["build pipeline", "fetch"]);
    const stranger = await t.user("stranger@example.com");
    await expect(t.engine.traces.forBuild(stranger, "traced", id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(t.engine.traces.forBuild(alice, "traced", "not-a-build")).rejects.toMatchObject({ code: "NOT_FOUND" });
    const empty = await t.engine.traces.forDeployment(alice, "traced", await newDeployment());
    expect(empty).toMatchObject({ traceId: null, spans: [] });
  });

  it("drops spans with their build or deployment, and past the retention", async () => {
    const buildId = await newBuild();
    const depId = await newDeployment();
    tracing.subject("build", buildAttrs(buildId)).end();
    tracing.subject("deployment", { "skypanel.deployment.id": depId }).end();
    await tracing.flush();
    const spansOf = async (column: string, id: string) =>
      (await t.database.sql.query(`SELECT 1 FROM trace_spans WHERE ${column} = $1`, [id])).length;
    expect(await spansOf("build_id", buildId)).toBe(1);
    await t.database.sql.query("DELETE FROM builds WHERE id = $1", [buildId]);
    expect(await spansOf("build_id", buildId)).toBe(0);

    expect(await tracing.prune(new Date())).toBe(0);
    expect(await spansOf("deployment_id", depId)).toBe(1);
    const all = await count();
    expect(await tracing.prune(new Date(Date.now() + 15 * 86_400_000))).toBe(all);
    expect(await count()).toBe(0);
  });

  it("loses only the span, not the build, when its build is gone before the write", async () => {
    const id = await newBuild();
    await t.database.sql.query("DELETE FROM builds WHERE id = $1", [id]);
    const trace = tracing.subject("build", buildAttrs(id));
    trace.end();
    await expect(tracing.flush()).resolves.toBeUndefined();
    // Its start and its end were each refused (the build's foreign key); nothing else failed.
    expect(warnings).toHaveLength(2);
    expect((await t.database.sql.query("SELECT 1 FROM trace_spans WHERE build_id = $1", [id])).length).toBe(0);
  });
});
