import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, TEST_DRIVERS, type TestBff } from "../testing.ts";

describe.each(TEST_DRIVERS)("tRPC routers on %s", (driver) => {
  let t: TestBff;
  beforeAll(async () => {
    t = await createTestBff(driver);
  });
  afterAll(async () => {
    await t.close();
  });

  it("asks for set-up while there are no users, creates the first admin once, then refuses", async () => {
    const anon = await t.caller();
    expect(await anon.auth.session()).toEqual({ needsSetup: true, user: null, csrfToken: null, mfaEnrolmentRequiredBy: null });
    const { user, token } = await anon.auth.setup({ email: "root@example.com", password: "correct horse battery" });
    expect(user).toMatchObject({ email: "root@example.com", isAdmin: true });
    expect(await (await t.caller(token)).auth.session()).toMatchObject({ needsSetup: false, user: { email: "root@example.com" } });
    const again = await anon.auth.setup({ email: "intruder@example.com", password: "correct horse battery" }).catch((e) => e);
    expect(again).toBeInstanceOf(TRPCError);
    expect(again.code).toBe("PRECONDITION_FAILED");
    expect(await t.engine.users.count()).toBe(1);
  });

  it("maps engine errors to tRPC codes with the engine's message", async () => {
    const token = await t.login("root@example.com");
    const root = await t.caller(token);
    const bad = await root.apps.create({ name: "NO" }).catch((e) => e);
    expect(bad).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("An app name is 3 to 30 characters") });
    const missing = await root.apps.get({ app: "does-not-exist" }).catch((e) => e);
    expect(missing).toMatchObject({ code: "NOT_FOUND" });
    const anon = await t.caller();
    expect(await anon.apps.list().catch((e) => e.code)).toBe("UNAUTHORIZED");
  });

  it("shares apps through a team: a viewer reads but cannot change", async () => {
    const token = await t.login("root@example.com");
    const root = await t.caller(token);
    await root.users.create({ email: "viewer@example.com", password: "correct horse battery" });
    const team = await root.teams.create({ name: "ops" });
    await root.teams.addMember({ teamId: team.id, email: "viewer@example.com", role: "viewer" });
    await root.apps.create({ name: "shared-app", teamId: team.id });
    await root.config.set({ app: "shared-app", vars: { SECRET: "hidden-from-viewers" } });
    const viewer = await t.caller(await t.login("viewer@example.com"));
    expect((await viewer.apps.list()).items.map((a) => a.name)).toEqual(["shared-app"]);
    expect(await viewer.config.get({ app: "shared-app" })).toMatchObject({ canReveal: false, vars: [{ key: "SECRET", value: null }] });
    expect(await viewer.apps.delete({ app: "shared-app" }).catch((e) => e.code)).toBe("FORBIDDEN");
    expect(await viewer.teams.addMember({ teamId: team.id, email: "root@example.com", role: "owner" }).catch((e) => e.code)).toBe(
      "FORBIDDEN",
    );
    // The last owner cannot leave the team ownerless.
    const me = (await root.auth.session()).user;
    expect(await root.teams.setRole({ teamId: team.id, userId: me?.id ?? "", role: "admin" }).catch((e) => e.code)).toBe(
      "PRECONDITION_FAILED",
    );
  });
});
