import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { ValidationError } from "../errors.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";

describe.each(TEST_DRIVERS)("an app's root directory on %s", (driver) => {
  let t: TestEngine;
  let alice: Actor;
  beforeAll(async () => {
    t = await createTestEngine(driver);
    alice = await t.user("alice@example.com");
    await t.engine.apps.create(alice, { name: "mono-web" });
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    ["apps/web", "apps/web"],
    ["packages/web/", "packages/web"],
    ["services/api_v2.1-beta", "services/api_v2.1-beta"],
    ["", null],
    [null, null],
  ])("stores %j as %j and returns it with the app", async (input, stored) => {
    const updated = await t.engine.apps.update(alice, "mono-web", { rootDirectory: input });
    expect(updated.rootDirectory).toBe(stored);
    expect((await t.engine.apps.get(alice, "mono-web")).rootDirectory).toBe(stored);
  });

  it.each([
    ["../x", /"\.\." part/],
    ["/abs", /starts with \//],
    ["a/../b", /"\.\." part/],
    ["./a", /"\." part/],
    ["a//b", /empty part/],
    ["a".repeat(300), /longer than 255/],
    ["a\\b", /character other than/],
    ["apps/my web", /character other than/],
  ])("refuses %j with the reason and leaves the setting as it was", async (input, message) => {
    await t.engine.apps.update(alice, "mono-web", { rootDirectory: "apps/web" });
    const err = await t.engine.apps.update(alice, "mono-web", { rootDirectory: input }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(message);
    expect((await t.engine.apps.get(alice, "mono-web")).rootDirectory).toBe("apps/web");
  });

  it("keeps the root directory when other settings change", async () => {
    await t.engine.apps.update(alice, "mono-web", { rootDirectory: "apps/web" });
    const updated = await t.engine.apps.update(alice, "mono-web", { description: "the shop" });
    expect(updated).toMatchObject({ description: "the shop", rootDirectory: "apps/web" });
  });
});
