import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, TEST_DRIVERS, type TestBff } from "../testing.ts";

describe.each(TEST_DRIVERS)("the Settings tab's procedures (autoscale, transfer, domains) on %s", (driver) => {
  let t: TestBff;
  let ownerToken: string;
  let viewerToken: string;
  beforeAll(async () => {
    t = await createTestBff(driver);
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    ownerToken = await t.login("ops@example.com");
    const owner = await t.caller(ownerToken);
    await owner.users.create({ email: "viewer@example.com", password: "correct horse battery" });
    const team = await owner.teams.create({ name: "Shop" });
    await owner.teams.addMember({ teamId: team.id, email: "viewer@example.com", role: "viewer" });
    const app = await owner.apps.create({ name: "settings-app", teamId: team.id });
    const actor = { userId: (await owner.auth.session()).user?.id ?? "", isAdmin: true };
    await t.release(actor, app.id, { web: "npm start" });
    viewerToken = await t.login("viewer@example.com");
  });
  afterAll(async () => {
    await t.close();
  });

  it("autoscale.get/put/events/pushMetric: saves policies, maps the engine's refusals to BAD_REQUEST and FORBIDDEN", async () => {
    const owner = await t.caller(ownerToken);
    const policy = { process: "web", enabled: true, min: 1, max: 3, metric: "memory" as const, target: 80, stabilizationSeconds: 60 };
    const saved = await owner.autoscale.put({ app: "settings-app", policies: [policy] });
    expect(saved.policies).toMatchObject([{ ...policy, saved: true }]);
    const bad = await owner.autoscale.put({ app: "settings-app", policies: [{ ...policy, max: 0 }] }).catch((e: { code?: string }) => e);
    expect(bad).toMatchObject({ code: "BAD_REQUEST", message: "web: the maximum must be a whole number at least the minimum." });
    const viewer = await t.caller(viewerToken);
    expect(await viewer.autoscale.put({ app: "settings-app", policies: [policy] }).catch((e: { code?: string }) => e.code)).toBe(
      "FORBIDDEN",
    );
    expect(
      await viewer.autoscale.pushMetric({ app: "settings-app", process: "web", value: 1 }).catch((e: { code?: string }) => e.code),
    ).toBe("FORBIDDEN");
    expect((await viewer.autoscale.get({ app: "settings-app" })).policies[0]).toMatchObject({ max: 3 });
    expect(await viewer.autoscale.events({ app: "settings-app" })).toEqual([]);
  });

  it("domains.add/list/remove and apps.transfer answer with the engine's codes", async () => {
    const owner = await t.caller(ownerToken);
    expect(await owner.domains.add({ app: "settings-app", domain: "*.example.com" }).catch((e) => e.code)).toBe("BAD_REQUEST");
    await owner.domains.add({ app: "settings-app", domain: "shop.example.com" });
    expect((await owner.domains.list({ app: "settings-app" })).map((d) => d.hostname)).toEqual(["shop.example.com"]);
    const viewer = await t.caller(viewerToken);
    expect(await viewer.domains.remove({ app: "settings-app", domain: "shop.example.com" }).catch((e) => e.code)).toBe("FORBIDDEN");

    const other = await owner.teams.create({ name: "Ops" });
    expect(await viewer.apps.transfer({ app: "settings-app", teamId: other.id }).catch((e) => e.code)).toBe("FORBIDDEN");
    const moved = await owner.apps.transfer({ app: "settings-app", teamId: other.id });
    expect(moved).toMatchObject({ teamId: other.id, teamName: "Ops" });
    // The viewer was in the old team only: the app is now out of their sight.
    expect(await viewer.apps.get({ app: "settings-app" }).catch((e) => e.code)).toBe("NOT_FOUND");
  });
});
