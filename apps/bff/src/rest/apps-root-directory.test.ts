import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, TEST_DRIVERS, type TestBff } from "../testing.ts";

describe.each(TEST_DRIVERS)("an app's root directory over REST and tRPC on %s", (driver) => {
  let t: TestBff;
  let admin: string;
  beforeAll(async () => {
    t = await createTestBff(driver);
    await t.engine.users.createFirstAdmin({ email: "admin@example.com", password: "correct horse battery" });
    admin = await t.login("admin@example.com");
    expect((await t.rest("POST", "/api/apps", { token: admin, body: { name: "mono-web" } })).status).toBe(201);
  });
  afterAll(async () => {
    await t.close();
  });

  it("PATCH sets it, GET returns it, null clears it", async () => {
    const patched = await t.rest("PATCH", "/api/apps/mono-web", { token: admin, body: { rootDirectory: "apps/web/" } });
    expect(patched).toMatchObject({ status: 200, body: { rootDirectory: "apps/web" } });
    expect((await t.rest("GET", "/api/apps/mono-web", { token: admin })).body.rootDirectory).toBe("apps/web");
    const cleared = await t.rest("PATCH", "/api/apps/mono-web", { token: admin, body: { rootDirectory: null } });
    expect(cleared.body.rootDirectory).toBeNull();
  });

  it("PATCH with a path leaving the repository is 400 with the reason, and changes nothing", async () => {
    await t.rest("PATCH", "/api/apps/mono-web", { token: admin, body: { rootDirectory: "apps/web" } });
    for (const rootDirectory of ["../etc", "/abs", 42]) {
      const res = await t.rest("PATCH", "/api/apps/mono-web", { token: admin, body: { rootDirectory } });
      expect(res.status, String(rootDirectory)).toBe(400);
      expect(res.body.error.code).toBe("BAD_REQUEST");
    }
    const res = await t.rest("PATCH", "/api/apps/mono-web", { token: admin, body: { rootDirectory: "a/../b" } });
    expect(res.body.error.message).toMatch(/not a valid root directory/);
    expect((await t.rest("GET", "/api/apps/mono-web", { token: admin })).body.rootDirectory).toBe("apps/web");
  });

  it("the tRPC update procedure takes it the same way", async () => {
    const caller = await t.caller(admin);
    expect((await caller.apps.update({ app: "mono-web", rootDirectory: "services/api" })).rootDirectory).toBe("services/api");
    await expect(caller.apps.update({ app: "mono-web", rootDirectory: "a//b" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
