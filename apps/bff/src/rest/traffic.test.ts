// An app's traffic protection over REST and tRPC: the engine's checks, the API's validation and
// the audit trail (this test platform runs no router: router/traffic.test.ts has the traffic).
import { findTrafficPolicy } from "@skypanel/db/queries";
import { wafMatchLogger } from "@skypanel/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, TEST_DRIVERS, type TestBff } from "../testing.ts";

describe.each(TEST_DRIVERS)("an app's traffic protection over REST on %s", (driver) => {
  let t: TestBff;
  let admin: string;
  let appId: string;
  const path = "/api/apps/shop/traffic";
  beforeAll(async () => {
    t = await createTestBff(driver);
    await t.engine.users.createFirstAdmin({ email: "admin@example.com", password: "correct horse battery" });
    admin = await t.login("admin@example.com");
    appId = (await t.rest("POST", "/api/apps", { token: admin, body: { name: "shop" } })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it("starts unlimited, sets and clears fields, stores and audits each change", async () => {
    expect(await t.rest("GET", path, { token: admin })).toMatchObject({
      status: 200,
      body: {
        requestsPerMinute: null,
        burst: null,
        maxConcurrentRequests: null,
        maxBodyBytes: null,
        wafMode: "off",
        router: null,
        needsCustomRouter: [],
      },
    });
    const set = await t.rest("PUT", path, {
      token: admin,
      body: { requestsPerMinute: 120, burst: 20, maxBodyBytes: 4096, wafMode: "detect" },
    });
    expect(set).toMatchObject({ status: 200, body: { requestsPerMinute: 120, burst: 20, maxBodyBytes: 4096, wafMode: "detect" } });
    // No router here: saved, but not in force.
    expect(set.body.needsCustomRouter).toEqual(["maxBodyBytes", "requestsPerMinute", "burst", "wafMode"]);
    // Only the fields given change; null clears one.
    const caller = await t.caller(admin);
    expect(await caller.traffic.set({ app: "shop", maxConcurrentRequests: 8, burst: null })).toMatchObject({
      requestsPerMinute: 120,
      burst: null,
      maxConcurrentRequests: 8,
      wafMode: "detect",
    });
    expect(await findTrafficPolicy(t.engine.deps.db, appId)).toMatchObject({
      requestsPerMinute: 120,
      burst: null,
      maxConcurrentRequests: 8,
      maxBodyBytes: 4096,
      wafMode: "detect",
    });
    const audit = await t.database.sql.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE target_type = 'app_traffic_policies' ORDER BY id",
    );
    expect(audit.map((a) => a.action)).toEqual(["app_traffic_policies.insert", "app_traffic_policies.update"]);
  });

  it("bad values are 400 with the reason and change nothing; a stranger's app is 404", async () => {
    const before = (await t.rest("GET", path, { token: admin })).body;
    const refusals: [unknown, RegExp][] = [
      [{ requestsPerMinute: 0 }, /requestsPerMinute/],
      [{ maxBodyBytes: 100 }, /maxBodyBytes/],
      [{ maxConcurrentRequests: 2.5 }, /maxConcurrentRequests/],
      [{ wafMode: "paranoid" }, /wafMode/],
      [{ requestsPerMinute: "lots" }, /requestsPerMinute/],
      [{ surprise: 1 }, /surprise/],
      [[1, 2], /./],
      [{ requestsPerMinute: null, burst: 5 }, /A burst needs a rate limit/],
    ];
    for (const [body, reason] of refusals) {
      const res = await t.rest("PUT", path, { token: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body.error), JSON.stringify(body)).toMatch(reason);
    }
    expect((await t.rest("GET", path, { token: admin })).body).toEqual(before);
    expect((await t.rest("GET", "/api/apps/nobody-has-this/traffic", { token: admin })).status).toBe(404);
  });

  it("a WAF match read from the router's access log shows in the app's logs with its rule ids", async () => {
    // The request collector calls this for each logged match (router/traffic.test.ts reads a real one).
    await wafMatchLogger(t.engine.deps.db, t.engine.logStore)(
      "shop",
      { blocked: false, rules: [{ id: 942100, msg: "SQL Injection Attack Detected via libinjection" }] },
      200,
    );
    await t.engine.logStore.flush();
    const lines = (await t.rest("GET", "/api/apps/shop/logs?q=942100", { token: admin })).body.lines;
    expect(lines).toEqual([
      expect.objectContaining({
        source: "platform",
        level: "warn",
        line: "router: WAF detected (request passed, 200): OWASP CRS rules 942100 (SQL Injection Attack Detected via libinjection)",
      }),
    ]);
  });
});
