import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { ForbiddenError, ValidationError } from "../errors.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";

describe.each(TEST_DRIVERS)("resource limits per process type on %s", (driver) => {
  let t: TestEngine;
  let owner: Actor;
  let viewer: Actor;

  const limits = async () =>
    (await t.engine.formation.get(owner, "limited")).map((f) => [f.processType, f.quantity, f.memoryMb, f.cpuQuota, f.maxProcs]);

  beforeAll(async () => {
    t = await createTestEngine(driver);
    owner = await t.user("owner@example.com");
    viewer = await t.user("viewer@example.com");
    const team = await t.engine.teams.create(owner, { name: "Limits" });
    await t.engine.teams.addMember(owner, { teamId: team.id, email: "viewer@example.com", role: "viewer" });
    const app = await t.engine.apps.create(owner, { name: "limited", teamId: team.id });
    await t.release(owner, app.id, { web: "npm start", worker: "node worker.js" });
  });
  afterAll(async () => {
    await t.close();
  });

  it("sets one process type's limits and leaves its quantity and the other types alone", async () => {
    await t.engine.formation.scale(owner, "limited", { worker: { memoryMb: 256, cpuQuota: 0.5, maxProcs: 128 } });
    expect(await limits()).toEqual([
      ["web", 1, 512, 1, 256],
      ["worker", 0, 256, 0.5, 128],
    ]);
  });

  it.each([
    [{ memoryMb: 15 }, /memory is 16 to 65536 MB/],
    [{ memoryMb: 65537 }, /memory is 16 to 65536 MB/],
    [{ memoryMb: 100.5 }, /memory is 16 to 65536 MB/],
    [{ cpuQuota: 0 }, /CPU is above 0 and at most 64 cores/],
    [{ cpuQuota: -1 }, /CPU is above 0/],
    [{ cpuQuota: 65 }, /at most 64 cores/],
    [{ cpuQuota: Number.NaN }, /CPU is above 0/],
    [{ maxProcs: 7 }, /process limit is 8 to 65536/],
    [{ maxProcs: 70000 }, /process limit is 8 to 65536/],
  ])("refuses web %j with the engine's rule and changes nothing", async (change, message) => {
    const before = await limits();
    await expect(t.engine.formation.scale(owner, "limited", { web: { memoryMb: 300, ...change } })).rejects.toThrow(message);
    expect(await limits()).toEqual(before);
  });

  it("lets a viewer see the limits but not change them", async () => {
    const before = await limits();
    await expect(t.engine.formation.scale(viewer, "limited", { web: { memoryMb: 1024 } })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(t.engine.formation.scale(viewer, "limited", {})).rejects.toBeInstanceOf(ForbiddenError);
    expect((await t.engine.formation.get(viewer, "limited")).length).toBe(2);
    expect(await limits()).toEqual(before);
  });

  it("refuses an empty change", async () => {
    await expect(t.engine.formation.scale(owner, "limited", {})).rejects.toBeInstanceOf(ValidationError);
  });
});
