// The router's trouble reaches the activity of the apps it routes (PGlite and PostgreSQL).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";
import { recordRouterTrouble } from "./router-activity.ts";

describe.each(TEST_DRIVERS)("router trouble in the apps' activity on %s", (driver) => {
  let t: TestEngine;
  let alice: Actor;
  beforeAll(async () => {
    t = await createTestEngine(driver);
    alice = await t.user("ops@example.com");
    await t.engine.apps.create(alice, { name: "shop" });
    await t.engine.apps.create(alice, { name: "blog" });
    await t.engine.apps.create(alice, { name: "quiet" });
  });
  afterAll(async () => {
    await t.close();
  });

  const actions = async (app: string) => (await t.engine.audit.forApp(alice, app)).map((e) => [e.action, e.details]);

  it("writes a refused load into each routed app's activity, with what the router did about it", async () => {
    const error = new Error("listen udp :8443: bind: address already in use");
    const written = await recordRouterTrouble(t.database.db, ["shop", "blog", "shop", "gone-app"], {
      type: "load-failed",
      error,
      recovered: "restored",
    });
    expect(written).toBe(2);
    for (const app of ["shop", "blog"]) {
      expect(await actions(app)).toContainEqual([
        "router.load_failed",
        { message: "routes not loaded: listen udp :8443: bind: address already in use; Caddy serves the routes it had" },
      ]);
    }
    // An app the router does not route hears nothing.
    expect((await actions("quiet")).filter(([action]) => String(action).startsWith("router."))).toEqual([]);
  });

  it("writes a replaced Caddy too, and nothing for the router's ordinary events", async () => {
    expect(await recordRouterTrouble(t.database.db, ["shop"], { type: "caddy-replaced", pid: 77, reason: "listeners left behind" })).toBe(
      1,
    );
    expect(await actions("shop")).toContainEqual([
      "router.caddy_replaced",
      { message: "replaced Caddy (now pid 77): listeners left behind" },
    ]);
    expect(await recordRouterTrouble(t.database.db, ["shop"], { type: "config-loaded", reason: "applied" })).toBe(0);
    expect(await recordRouterTrouble(t.database.db, ["shop"], { type: "caddy-started", pid: 1 })).toBe(0);
  });
});
