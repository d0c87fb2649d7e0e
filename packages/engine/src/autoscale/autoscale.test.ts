import { insertRequestCounts } from "@skypanel/db/queries";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { AppNotFoundError, ForbiddenError, ValidationError } from "../errors.ts";
import type { PlatformEvent } from "../events/index.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";
import { readSignal } from "./signals.ts";

describe.each(TEST_DRIVERS)("autoscale policies and the autoscaler's pass on %s", (driver) => {
  let t: TestEngine;
  let owner: Actor;
  let member: Actor;
  let viewer: Actor;
  let stranger: Actor;
  let appId: string;
  const published: PlatformEvent[] = [];

  const rows = () =>
    t.database.sql.query<Record<string, unknown>>(
      "SELECT process_type, enabled, min_instances, max_instances, metric, target, stabilization_seconds, schedules FROM scaling_policies ORDER BY process_type",
    );
  const quantity = async (type: string) => (await t.engine.formation.get(owner, "scaled")).find((f) => f.processType === type)?.quantity;
  /** One router row: `count` requests over 10 s. */
  const traffic = (count: number) =>
    insertRequestCounts(t.database.db, [
      {
        appName: "scaled",
        requestCount: count,
        p50Ms: 5,
        p95Ms: 9,
        p99Ms: 12,
        requests2xx: count,
        requests3xx: 0,
        requests4xx: 0,
        requests5xx: 0,
        intervalMs: 10_000,
      },
    ]);
  const web = { process: "web", enabled: true, min: 1, max: 3, metric: "rps" as const, target: 10, stabilizationSeconds: 10 };

  beforeAll(async () => {
    t = await createTestEngine(driver);
    owner = await t.user("owner@example.com");
    member = await t.user("member@example.com");
    viewer = await t.user("viewer@example.com");
    stranger = await t.user("stranger@example.com");
    const team = await t.engine.teams.create(owner, { name: "Shop" });
    await t.engine.teams.addMember(owner, { teamId: team.id, email: "member@example.com", role: "member" });
    await t.engine.teams.addMember(owner, { teamId: team.id, email: "viewer@example.com", role: "viewer" });
    appId = (await t.engine.apps.create(owner, { name: "scaled", teamId: team.id })).id;
    await t.release(owner, appId, { web: "npm start", worker: "node worker.js" });
    t.engine.bus.subscribe((e) => void (e.type === "autoscale.decision" && published.push(e)));
  });
  afterAll(async () => {
    await t.close();
  });

  it("shows a disabled default policy for each process type until one is saved", async () => {
    const got = await t.engine.autoscale.settings(viewer, "scaled");
    expect(got.policies).toMatchObject([
      { process: "web", enabled: false, min: 1, max: 1, metric: "rps", stabilizationSeconds: 300, saved: false },
      { process: "worker", enabled: false, metric: "cpu", saved: false },
    ]);
    expect(got.schedules).toEqual([]);
  });

  it("reads a policy saved before 0018 (three targets, a cooldown) as its first target's metric", async () => {
    await t.engine.autoscale.set(owner, "scaled", "worker", {
      enabled: true,
      minInstances: 0,
      maxInstances: 2,
      targetMemoryPercent: 70,
      cooldownSeconds: 120,
    });
    expect((await rows()).find((r) => r.process_type === "worker")).toMatchObject({
      metric: "memory",
      target: 70,
      stabilization_seconds: 120,
    });
  });

  it("replaces the app's policies and schedules (audited); a process left out loses its policy", async () => {
    const schedule = { process: "web", cron: "0 9 * * 1-5", timeZone: "Europe/Berlin", durationSeconds: 3600, min: 2 };
    const saved = await t.engine.autoscale.replace(member, "scaled", { policies: [web], schedules: [schedule] });
    expect(saved.policies.find((p) => p.process === "web")).toMatchObject({ ...web, saved: true });
    expect(saved.policies.find((p) => p.process === "worker")).toMatchObject({ saved: false });
    expect(saved.schedules).toEqual([{ ...schedule, max: null }]);
    expect(await rows()).toHaveLength(1);
    const [entry] = await t.engine.audit.forApp(owner, "scaled", { limit: 1 });
    expect(entry).toMatchObject({ action: "scaling_policies.insert", actorId: member.userId });
    await t.engine.autoscale.replace(owner, "scaled", { policies: [web] });
    expect((await t.engine.autoscale.settings(owner, "scaled")).schedules).toEqual([]);
  });

  it.each([
    [{ policies: [{ ...web, min: -1 }] }, /minimum is a whole number/],
    [{ policies: [{ ...web, min: 1.5 }] }, /minimum is a whole number/],
    [{ policies: [{ ...web, min: 5, max: 2 }] }, /maximum must be a whole number at least the minimum/],
    [{ policies: [{ ...web, max: 101 }] }, /at most 100 instances/],
    [{ policies: [{ ...web, metric: "cpu", target: 0 }] }, /cpu target is 1 to 100/],
    [{ policies: [{ ...web, metric: "memory", target: 101 }] }, /memory target is 1 to 100/],
    [{ policies: [{ ...web, target: Number.NaN }] }, /rps target/],
    [{ policies: [{ ...web, metric: "gpu" }] }, /metric is one of cpu, memory, rps, p95, custom/],
    [{ policies: [{ ...web, target: null }] }, /needs a target/],
    [{ policies: [{ ...web, process: "worker", metric: "p95", target: 300 }] }, /only web answers through/],
    [{ policies: [{ ...web, stabilizationSeconds: 9 }] }, /stabilization window is a whole number of seconds from 10 to 3600/],
    [{ policies: [{ ...web, stabilizationSeconds: 3601 }] }, /from 10 to 3600/],
    [{ policies: [{ ...web, enabled: "yes" }] }, /enabled is true or false/],
    [{ policies: [web, web] }, /two policies/],
    [
      { policies: [web], schedules: [{ process: "worker", cron: "0 9 * * *", timeZone: "UTC", durationSeconds: 600, min: 1 }] },
      /has no policy in this request/,
    ],
    [
      { policies: [web], schedules: [{ process: "web", cron: "0 25 * * *", timeZone: "UTC", durationSeconds: 600, min: 1 }] },
      /cannot be read/,
    ],
    [
      { policies: [web], schedules: [{ process: "web", cron: "0 9 * * *", timeZone: "Mars/Olympus", durationSeconds: 600, min: 1 }] },
      /cannot be read/,
    ],
    [
      { policies: [web], schedules: [{ process: "web", cron: "0 9 * * *", timeZone: "UTC", durationSeconds: 30, min: 1 }] },
      /window is a whole number of seconds from 60/,
    ],
    [{ policies: [web], schedules: [{ process: "web", cron: "0 9 * * *", timeZone: "UTC", durationSeconds: 600 }] }, /changes nothing/],
    [
      { policies: [web], schedules: [{ process: "web", cron: "0 9 * * *", timeZone: "UTC", durationSeconds: 600, min: 5, max: 2 }] },
      /maximum is below the minimum/,
    ],
  ])("refuses %j and changes nothing", async (body, message) => {
    const before = await rows();
    const err = await t.engine.autoscale.replace(owner, "scaled", body as never).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(message);
    expect(await rows()).toEqual(before);
  });

  it("refuses a process type the app does not have, a viewer (forbidden) and a stranger (not found)", async () => {
    const before = await rows();
    await expect(t.engine.autoscale.replace(owner, "scaled", { policies: [{ ...web, process: "clock" }] })).rejects.toThrow(
      /no process type "clock"; it has web, worker/,
    );
    await expect(t.engine.autoscale.replace(viewer, "scaled", { policies: [web] })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(t.engine.autoscale.replace(stranger, "scaled", { policies: [web] })).rejects.toBeInstanceOf(AppNotFoundError);
    await expect(t.engine.autoscale.settings(stranger, "scaled")).rejects.toBeInstanceOf(AppNotFoundError);
    await expect(t.engine.autoscale.pushMetric(viewer, "scaled", { process: "worker", value: 1 })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(t.engine.autoscale.pushMetric(owner, "scaled", { process: "worker", value: Number.POSITIVE_INFINITY })).rejects.toThrow(
      /0 to 1e12/,
    );
    await expect(t.engine.autoscale.pushMetric(owner, "scaled", { process: "clock", value: 1 })).rejects.toThrow(/no process type/);
    expect(await rows()).toEqual(before);
  });

  it("scales web up on its router traffic, capped at the maximum, and records why (events, activity, bus)", async () => {
    await traffic(1000); // 100 requests/s on one instance, target 10
    await t.engine.autoscale.autoscaler.runOnce();
    expect(await quantity("web")).toBe(3);
    const [decision] = await t.engine.autoscale.events(viewer, "scaled");
    expect(decision).toMatchObject({ processType: "web", metric: "rps", kind: "scale_up", fromQuantity: 1, toQuantity: 3, target: 10 });
    expect(decision?.reason).toMatch(/100 requests\/s per instance .* vs target 10\/s: 1 → 3 \(held at the maximum\)/);
    const [activity] = await t.engine.audit.forApp(owner, "scaled", { limit: 1 });
    expect(activity).toMatchObject({ action: "autoscale.scale_up", actorId: null });
    expect(published.at(-1)).toMatchObject({ appId, processType: "web", quantity: 3, maxInstances: 3, atMax: true });
    // Still wanting more on the next pass: the maximum was already said; nothing new is recorded.
    await t.engine.autoscale.autoscaler.runOnce();
    expect(await t.engine.autoscale.events(viewer, "scaled")).toHaveLength(1);
  });

  it("a paused policy stops at once: no change however the traffic reads", async () => {
    await t.engine.autoscale.replace(owner, "scaled", { policies: [{ ...web, enabled: false }] });
    await t.database.sql.query("DELETE FROM metrics_snapshots");
    await traffic(0);
    await t.engine.autoscale.autoscaler.runOnce();
    expect(await quantity("web")).toBe(3);
    expect(await t.engine.autoscale.events(viewer, "scaled")).toHaveLength(1);
  });

  it("a custom metric: brought to its minimum while none is pushed (recorded once), then scaled on the value pushed", async () => {
    const worker = { process: "worker", enabled: true, min: 1, max: 4, metric: "custom" as const, target: 10, stabilizationSeconds: 10 };
    await t.engine.autoscale.replace(owner, "scaled", { policies: [{ ...web, enabled: false }, worker] });
    await t.engine.autoscale.autoscaler.runOnce();
    expect(await quantity("worker")).toBe(1);
    expect((await t.engine.autoscale.events(viewer, "scaled", { limit: 1 }))[0]).toMatchObject({
      kind: "scale_up",
      fromQuantity: 0,
      toQuantity: 1,
      reason: expect.stringMatching(/no custom value pushed yet; bounds 1–4: 0 → 1/),
    });
    await t.engine.autoscale.autoscaler.runOnce();
    const [stale] = await t.engine.autoscale.events(viewer, "scaled", { limit: 1 });
    expect(stale).toMatchObject({ kind: "stale", reason: "no action: no custom value pushed yet" });
    await t.engine.autoscale.autoscaler.runOnce();
    expect((await t.engine.autoscale.events(viewer, "scaled", { limit: 1 }))[0]?.id).toBe(stale?.id);

    await t.engine.autoscale.pushMetric(member, "scaled", { process: "worker", value: 25 });
    await t.engine.autoscale.autoscaler.runOnce();
    expect(await quantity("worker")).toBe(3);
    expect((await t.engine.autoscale.events(viewer, "scaled", { limit: 1 }))[0]).toMatchObject({
      kind: "scale_up",
      value: 25,
      fromQuantity: 1,
      toQuantity: 3,
    });
  });

  it("a pushed value older than its freshness counts as stale", async () => {
    const signal = await readSignal({
      db: t.database.db,
      appId,
      policy: { processType: "worker", metric: "custom" },
      formation: { quantity: 1, cpuQuota: 1, memoryMb: 512 },
      windowSeconds: 60,
      custom: { value: 5, at: 1_000 },
      customFreshMs: 120_000,
      now: 1_000 + 121_000,
    });
    expect(signal).toEqual({ missing: "stale", detail: "the custom value is 121 s old (fresh for 120 s)" });
  });
});
