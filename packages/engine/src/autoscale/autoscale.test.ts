import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { AppNotFoundError, ForbiddenError, ValidationError } from "../errors.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";

describe.each(TEST_DRIVERS)("autoscale policies on %s", (driver) => {
  let t: TestEngine;
  let owner: Actor;
  let member: Actor;
  let viewer: Actor;
  let stranger: Actor;

  const rows = () =>
    t.database.sql.query<Record<string, unknown>>(
      "SELECT process_type, enabled, min_instances, max_instances, target_cpu_percent, cooldown_seconds FROM scaling_policies ORDER BY process_type",
    );
  const good = { enabled: true, minInstances: 1, maxInstances: 4, targetCpuPercent: 70, cooldownSeconds: 120 };

  beforeAll(async () => {
    t = await createTestEngine(driver);
    owner = await t.user("owner@example.com");
    member = await t.user("member@example.com");
    viewer = await t.user("viewer@example.com");
    stranger = await t.user("stranger@example.com");
    const team = await t.engine.teams.create(owner, { name: "Shop" });
    await t.engine.teams.addMember(owner, { teamId: team.id, email: "member@example.com", role: "member" });
    await t.engine.teams.addMember(owner, { teamId: team.id, email: "viewer@example.com", role: "viewer" });
    const app = await t.engine.apps.create(owner, { name: "scaled", teamId: team.id });
    await t.release(owner, app.id, { web: "npm start", worker: "node worker.js" });
  });
  afterAll(async () => {
    await t.close();
  });

  it("shows a disabled default policy for each process type until one is saved", async () => {
    const got = await t.engine.autoscale.get(viewer, "scaled");
    expect(got.maxInstances).toBe(100);
    expect(got.policies).toMatchObject([
      { processType: "web", enabled: false, minInstances: 1, maxInstances: 1, cooldownSeconds: 300, saved: false },
      { processType: "worker", enabled: false, saved: false },
    ]);
  });

  it("saves a member's policy per process type, audited, and scales nothing", async () => {
    const saved = await t.engine.autoscale.set(member, "scaled", "web", good);
    expect(saved.policies.find((p) => p.processType === "web")).toMatchObject({ ...good, targetMemoryPercent: null, saved: true });
    const [entry] = await t.engine.audit.forApp(owner, "scaled", { limit: 1 });
    expect(entry).toMatchObject({ action: "scaling_policies.insert", actorId: member.userId });

    await t.engine.autoscale.set(owner, "scaled", "web", { ...good, maxInstances: 6, targetRequestsPerSecond: 250.5 });
    const [update] = await t.engine.audit.forApp(owner, "scaled", { limit: 1 });
    expect(update).toMatchObject({
      action: "scaling_policies.update",
      details: { changed: ["max_instances", "target_requests_per_second"] },
    });
    expect((await rows()).length).toBe(1);
    // A policy is only stored: the formation keeps its one web instance.
    expect((await t.engine.formation.get(owner, "scaled")).find((f) => f.processType === "web")?.quantity).toBe(1);
    // Disabled needs no target.
    await t.engine.autoscale.set(owner, "scaled", "worker", { enabled: false, minInstances: 0, maxInstances: 0 });
  });

  it.each([
    [{ ...good, minInstances: -1 }, /minimum is a whole number/],
    [{ ...good, minInstances: 1.5 }, /minimum is a whole number/],
    [{ ...good, minInstances: 5, maxInstances: 2 }, /maximum must be a whole number at least the minimum/],
    [{ ...good, maxInstances: 101 }, /at most 100 instances/],
    [{ ...good, targetCpuPercent: 0 }, /CPU target is 1 to 100/],
    [{ ...good, targetCpuPercent: 101 }, /CPU target is 1 to 100/],
    [{ ...good, targetCpuPercent: Number.NaN }, /CPU target is 1 to 100/],
    [{ ...good, targetMemoryPercent: 150 }, /memory target is 1 to 100/],
    [{ ...good, targetRequestsPerSecond: 0 }, /requests target/],
    [{ ...good, cooldownSeconds: 10 }, /cooldown .* 30 to 3600/],
    [{ ...good, cooldownSeconds: 3601 }, /cooldown .* 30 to 3600/],
    [{ enabled: true, minInstances: 1, maxInstances: 3 }, /at least one target/],
    [{ ...good, enabled: "yes" }, /enabled is true or false/],
  ])("refuses %j and changes nothing", async (policy, message) => {
    const before = await rows();
    const err = await t.engine.autoscale.set(owner, "scaled", "web", policy as never).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(message);
    expect(await rows()).toEqual(before);
  });

  it("refuses a process type the app does not have", async () => {
    const before = await rows();
    await expect(t.engine.autoscale.set(owner, "scaled", "clock", good)).rejects.toThrow(/no process type "clock"; it has web, worker/);
    expect(await rows()).toEqual(before);
  });

  it("refuses a viewer (forbidden) and a stranger (not found), changing nothing", async () => {
    const before = await rows();
    await expect(t.engine.autoscale.set(viewer, "scaled", "web", good)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(t.engine.autoscale.set(stranger, "scaled", "web", good)).rejects.toBeInstanceOf(AppNotFoundError);
    await expect(t.engine.autoscale.get(stranger, "scaled")).rejects.toBeInstanceOf(AppNotFoundError);
    expect(await rows()).toEqual(before);
  });
});
