// Scheduled jobs for real, on a test-driven clock: croner's real cron evaluation, real one-off
// processes of a real release (an artifact added to the Nix store, run by the process-mode
// runtime; PGlite). The clock only decides which due times have come; the runs take real time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import type { Engine } from "../engine.ts";
import { appWithRelease } from "../one-offs/testing.ts";
import { addTestArtifact } from "../runtime/testing.ts";
import { createTestEngine, type TestEngine } from "../testing.ts";
import { nextDueTimes, parseSchedule } from "./cron.ts";
import { createSchedules, type ScheduledRunView } from "./service.ts";

const FINISHED = new Set(["succeeded", "failed", "timed_out", "skipped"]);

describe("scheduled jobs on a test-driven clock (process runtime; PGlite)", { timeout: 60_000 }, () => {
  let t: TestEngine;
  let engine: Engine;
  let alice: Actor;
  let bob: Actor;
  let clock = new Date("2025-01-15T12:00:30Z");
  const artifact = addTestArtifact("skypanel-schedules", { README: "a scheduled job's app\n" });

  /** Sets the clock and makes one scheduler pass. */
  async function at(iso: string) {
    clock = new Date(iso);
    await engine.schedules.scheduler.tick();
  }
  /** The job's runs once none is queued or running (bounded: 15 s). */
  async function settledRuns(name: string, app = "shop"): Promise<ScheduledRunView[]> {
    for (let i = 0; i < 150; i++) {
      const runs = await engine.schedules.runs(alice, app, name);
      if (runs.every((r) => FINISHED.has(r.status))) return runs;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${name}'s runs did not finish within 15 s`);
  }
  const byDue = (runs: ScheduledRunView[]) =>
    [...runs].sort((a, b) => String(a.scheduledFor?.toISOString()).localeCompare(String(b.scheduledFor?.toISOString())));

  beforeAll(async () => {
    t = await createTestEngine("pglite", { runtime: { mode: "process", router: false, reconcileIntervalMs: 60_000 }, now: () => clock });
    engine = t.engine;
    await engine.start();
    alice = await t.user("alice@example.com");
    bob = await t.user("bob@example.com");
    await appWithRelease(t, alice, "shop", artifact.storePath);
    await engine.apps.create(alice, { name: "bare" });
  });
  afterAll(async () => {
    await t.close();
    artifact.remove();
  });

  it("runs a `* * * * *` job twice at two consecutive minutes, both exit 0 with their output in the app's logs", async () => {
    const job = await engine.schedules.create(alice, "shop", { name: "tick", command: "echo tick says $GREETING", schedule: "* * * * *" });
    expect(job).toMatchObject({ timezone: "UTC", overlap: "skip", timeoutSeconds: 1800, enabled: true });
    expect(job.nextRunsAt.map((d) => d.toISOString())).toEqual([
      "2025-01-15T12:01:00.000Z",
      "2025-01-15T12:02:00.000Z",
      "2025-01-15T12:03:00.000Z",
    ]);
    await at("2025-01-15T12:00:59Z");
    expect(await engine.schedules.runs(alice, "shop", "tick")).toEqual([]);
    await at("2025-01-15T12:01:04Z");
    await settledRuns("tick");
    await at("2025-01-15T12:02:02Z");
    await at("2025-01-15T12:02:40Z");
    const runs = byDue(await settledRuns("tick"));
    expect(runs.map((r) => [r.scheduledFor?.toISOString(), r.status, r.exitCode])).toEqual([
      ["2025-01-15T12:01:00.000Z", "succeeded", 0],
      ["2025-01-15T12:02:00.000Z", "succeeded", 0],
    ]);
    await engine.logStore.flush();
    for (const run of runs) {
      expect(run.durationMs).toBeGreaterThanOrEqual(0);
      const lines = await engine.logs.query(alice, "shop", { instanceId: run.oneOffId ?? "", tail: 10 });
      expect(lines.map((l) => l.line)).toContain("tick says hello from shop");
    }
    await engine.schedules.remove(alice, "shop", "tick");
  });

  it("handles a run due while the previous one runs per its overlap setting: skip, queue (at most one), run", async () => {
    for (const overlap of ["skip", "queue", "run"]) {
      await engine.schedules.create(alice, "shop", {
        name: `slow-${overlap}`,
        command: "sleep 2; echo slept",
        schedule: "* * * * *",
        overlap,
      });
    }
    await at("2025-01-15T12:03:01Z");
    await at("2025-01-15T12:04:01Z");
    await at("2025-01-15T12:05:01Z");
    const [skip, queue, run] = await Promise.all(["skip", "queue", "run"].map(async (o) => byDue(await settledRuns(`slow-${o}`))));
    expect(skip?.map((r) => r.status)).toEqual(["succeeded", "skipped", "skipped"]);
    expect(skip?.[1]?.reason).toBe("the previous run was still running");
    expect(queue?.map((r) => r.status)).toEqual(["succeeded", "succeeded", "skipped"]);
    expect(queue?.[2]?.reason).toBe("a run was already queued behind the running one");
    // The queued run started only once the first had ended.
    expect(queue?.[1]?.startedAt?.getTime()).toBeGreaterThanOrEqual(queue?.[0]?.finishedAt?.getTime() ?? Number.POSITIVE_INFINITY);
    expect(run?.map((r) => r.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    // All three ran side by side: each started before the first ended.
    for (const r of run?.slice(1) ?? []) expect(r.startedAt?.getTime()).toBeLessThan(run?.[0]?.finishedAt?.getTime() ?? 0);
    for (const o of ["skip", "queue", "run"]) await engine.schedules.remove(alice, "shop", `slow-${o}`);
  });

  it("kills a run at its timeout, records it timed_out, and fires a scheduled_job_failed alert", async () => {
    const app = await engine.apps.get(alice, "shop");
    await engine.alerts.createRule(alice, "shop", { kind: "scheduled_job_failed" });
    await engine.schedules.create(alice, "shop", { name: "stuck", command: "sleep 30", schedule: "*/5 * * * *", timeoutSeconds: 1 });
    await at("2025-01-15T12:10:01Z");
    const [run] = await settledRuns("stuck");
    expect(run).toMatchObject({ status: "timed_out", reason: "stopped after its timeout of 1 s" });
    expect(run?.durationMs).toBeLessThan(10_000);
    await engine.alerts.evaluateApp(app.id);
    const [rule] = await engine.alerts.listRules(alice, "shop");
    expect(rule).toMatchObject({ kind: "scheduled_job_failed", state: "firing" });
    const [event] = await engine.alerts.history(alice, "shop");
    expect(event?.message).toBe("stuck: timed out (stopped after its timeout of 1 s)");
    await engine.schedules.remove(alice, "shop", "stuck");
    await engine.alerts.removeRule(alice, "shop", rule?.id ?? "");
  });

  it("reads a schedule in its time zone: 0 9 * * * in America/New_York is 14:00 UTC in winter, 13:00 UTC in summer", async () => {
    const job = await engine.schedules.create(alice, "shop", {
      name: "morning",
      command: "echo good morning",
      schedule: "0 9 * * *",
      timezone: "America/New_York",
    });
    expect(job.nextRunsAt[0]?.toISOString()).toBe("2025-01-15T14:00:00.000Z");
    await at("2025-01-15T13:59:59Z");
    await at("2025-01-15T14:00:01Z");
    await settledRuns("morning");
    // After half a year without a pass, only the latest missed due time runs: once, not 180 times.
    await at("2025-07-15T13:00:02Z");
    const runs = byDue(await settledRuns("morning"));
    expect(runs.map((r) => [r.scheduledFor?.toISOString(), r.status])).toEqual([
      ["2025-01-15T14:00:00.000Z", "succeeded"],
      ["2025-07-15T13:00:00.000Z", "succeeded"],
    ]);
    expect(nextDueTimes(parseSchedule("0 9 * * *", "America/New_York"), new Date("2025-07-15T00:00:00Z"), 1)[0]?.toISOString()).toBe(
      "2025-07-15T13:00:00.000Z",
    );
    await engine.schedules.remove(alice, "shop", "morning");
  });

  it("runs a job now by hand, and records a due time of an app with no release as failed, saying why", async () => {
    await engine.schedules.create(alice, "shop", { name: "manual", command: "echo by hand", schedule: "0 0 1 1 *" });
    const started = await engine.schedules.runNow(alice, "shop", "manual");
    expect(started).toMatchObject({ status: "running", scheduledFor: null });
    expect(await settledRuns("manual")).toMatchObject([{ status: "succeeded", exitCode: 0 }]);
    await expect(engine.schedules.runNow(bob, "shop", "manual")).rejects.toMatchObject({ code: "NOT_FOUND" });

    await engine.schedules.create(alice, "bare", { name: "nothing", command: "true", schedule: "* * * * *" });
    await expect(engine.schedules.runNow(alice, "bare", "nothing")).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await at("2025-07-15T13:01:01Z");
    const [run] = await settledRuns("nothing", "bare");
    expect(run).toMatchObject({ status: "failed", reason: "did not start: bare has no release to run yet: deploy it first." });
    await engine.schedules.remove(alice, "shop", "manual");
    await engine.schedules.remove(alice, "bare", "nothing");
  });

  it("refuses hostile input with a clear 400 and saves nothing", async () => {
    const ok = { name: "ok", command: "true", schedule: "* * * * *" };
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ schedule: "every minute" }, /not a cron schedule of five fields/],
      [{ schedule: "61 * * * *" }, /Invalid value for minute/],
      [{ schedule: "* * * * * *" }, /not a cron schedule of five fields/],
      [{ schedule: "0 0 31 2 *" }, /never comes due/],
      [{ schedule: "x".repeat(500) }, /at most 200 characters/],
      [{ timezone: "Mars/Olympus_Mons" }, /not a time zone/],
      [{ timezone: "../../etc/passwd" }, /not a time zone/],
      [{ command: "   " }, /needs a command/],
      [{ command: "x".repeat(5000) }, /at most 4096 characters/],
      [{ command: "echo hi\nrm -rf /" }, /control characters/],
      [{ command: "echo \u001b[2J" }, /control characters/],
      [{ timeoutSeconds: 0 }, /timeout/],
      [{ timeoutSeconds: 86_401 }, /timeout/],
      [{ timeoutSeconds: 1.5 }, /timeout/],
      [{ overlap: "sometimes" }, /overlap is one of skip, queue, run/],
      [{ name: "../etc" }, /not a job name/],
      [{ name: "A".repeat(100) }, /not a job name/],
      [{ enabled: "yes" }, /enabled is true or false/],
    ];
    for (const [input, message] of bad) {
      await expect(engine.schedules.create(alice, "shop", { ...ok, ...input } as never)).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringMatching(message),
      });
    }
    expect(await engine.schedules.list(alice, "shop")).toEqual([]);
    await engine.schedules.create(alice, "shop", ok);
    await expect(engine.schedules.create(alice, "shop", ok)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(engine.schedules.update(alice, "shop", "ok", { schedule: "nope" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(engine.schedules.create(bob, "shop", { ...ok, name: "theirs" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(engine.schedules.runs(alice, "shop", "missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await engine.schedules.list(alice, "shop")).map((j) => [j.name, j.schedule])).toEqual([["ok", "* * * * *"]]);
    const off = await engine.schedules.update(alice, "shop", "ok", { enabled: false });
    expect(off).toMatchObject({ enabled: false, nextRunsAt: [] });
    await engine.schedules.remove(alice, "shop", "ok");
    expect(() => engine.schedules.preview("* * * * *", "UTC", 11)).toThrow(/count/);
  });

  it("never runs a due time twice after the scheduler restarts (a new scheduler reads where the last left off)", async () => {
    await engine.schedules.create(alice, "shop", { name: "once", command: "echo once", schedule: "* * * * *" });
    await at("2025-07-15T14:00:05Z");
    expect((await settledRuns("once")).length).toBe(1);
    // The control plane's scheduler stops; a fresh one (no memory of the last) takes over at the same time.
    await engine.schedules.scheduler.stop();
    const restarted = createSchedules(engine.deps, engine.apps, { bus: engine.bus, oneOffs: engine.oneOffs, runtimeEnabled: true });
    await restarted.scheduler.tick();
    await restarted.scheduler.tick();
    expect((await settledRuns("once")).length).toBe(1);
    clock = new Date("2025-07-15T14:01:05Z");
    await restarted.scheduler.tick();
    await restarted.scheduler.settled();
    const runs = byDue(await settledRuns("once"));
    expect(runs.map((r) => [r.scheduledFor?.toISOString(), r.status])).toEqual([
      ["2025-07-15T14:00:00.000Z", "succeeded"],
      ["2025-07-15T14:01:00.000Z", "succeeded"],
    ]);
  });
});
