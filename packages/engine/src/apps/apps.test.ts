import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { AppNameTakenError, AppNotFoundError, ForbiddenError, InvalidAppNameError } from "../errors.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";

describe.each(TEST_DRIVERS)("apps on %s", (driver) => {
  let t: TestEngine;
  let alice: Actor;
  let bob: Actor;
  beforeAll(async () => {
    t = await createTestEngine(driver);
    alice = await t.user("alice@example.com");
    bob = await t.user("bob@example.com");
  });
  afterAll(async () => {
    await t.close();
  });

  it("creates an app in the creator's personal team", async () => {
    const app = await t.engine.apps.create(alice, { name: "alice-web", description: "shop" });
    expect(app).toMatchObject({ name: "alice-web", description: "shop", status: "idle", teamName: "alice@example.com" });
    const got = await t.engine.apps.get(alice, "alice-web");
    expect(got).toMatchObject({ id: app.id, role: "owner", releases: [], instances: [], configVarCount: 0 });
    expect((await t.engine.apps.get(alice, app.id)).name).toBe("alice-web");
  });

  it.each([
    ["ab", /3 to 30/],
    ["1abc", /starting with a letter/],
    ["My-App", /lowercase/],
    ["abc-", /ending with a letter or digit/],
    ["a".repeat(31), /3 to 30/],
    ["ab--cd", /two dashes/],
    ["api", /reserved/],
    ["../etc", /not a valid app name/],
    ["abc def", /not a valid app name/],
  ])("rejects the name %j with the rule in the message", async (name, message) => {
    const before = await t.engine.apps.list(alice, { perPage: 100 });
    const err = await t.engine.apps.create(alice, { name }).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidAppNameError);
    expect(err.message).toMatch(message);
    expect((await t.engine.apps.list(alice, { perPage: 100 })).total).toBe(before.total);
  });

  it("refuses a name another app already has, even in another team", async () => {
    await t.engine.apps.create(alice, { name: "taken-name" });
    await expect(t.engine.apps.create(bob, { name: "taken-name" })).rejects.toBeInstanceOf(AppNameTakenError);
  });

  it("two racing creates of one name: exactly one wins, the other is told the name is taken", async () => {
    const results = await Promise.allSettled([
      t.engine.apps.create(alice, { name: "race-name" }),
      t.engine.apps.create(bob, { name: "race-name" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(AppNameTakenError);
  });

  it("hides one user's app from another: read, change and delete all answer not found", async () => {
    await t.engine.apps.create(alice, { name: "private-app" });
    await t.engine.config.set(alice, "private-app", { SECRET: "s3cret" });
    await expect(t.engine.apps.get(bob, "private-app")).rejects.toBeInstanceOf(AppNotFoundError);
    await expect(t.engine.apps.update(bob, "private-app", { description: "mine now" })).rejects.toBeInstanceOf(AppNotFoundError);
    await expect(t.engine.apps.delete(bob, "private-app")).rejects.toBeInstanceOf(AppNotFoundError);
    await expect(t.engine.config.get(bob, "private-app")).rejects.toBeInstanceOf(AppNotFoundError);
    await expect(t.engine.config.set(bob, "private-app", { SECRET: "x" })).rejects.toBeInstanceOf(AppNotFoundError);
    expect((await t.engine.apps.list(bob, { search: "private" })).items).toEqual([]);
    // Nothing changed for alice.
    const app = await t.engine.apps.get(alice, "private-app");
    expect(app.description).toBe("");
    expect((await t.engine.config.get(alice, "private-app")).vars).toMatchObject([{ key: "SECRET", value: "s3cret" }]);
  });

  it("lets a team share an app, by role: viewers read, members change, admins delete", async () => {
    const carol = await t.user("carol@example.com");
    const team = await t.engine.teams.create(alice, { name: "Shop team" });
    await t.engine.teams.addMember(alice, { teamId: team.id, email: "bob@example.com", role: "viewer" });
    await t.engine.teams.addMember(alice, { teamId: team.id, email: "carol@example.com", role: "member" });
    await t.engine.apps.create(alice, { name: "team-app", teamId: team.id });
    await t.engine.config.set(alice, "team-app", { TOKEN: "abc" });

    expect((await t.engine.apps.get(bob, "team-app")).role).toBe("viewer");
    const seenByViewer = await t.engine.config.get(bob, "team-app");
    expect(seenByViewer).toEqual({ canReveal: false, vars: [expect.objectContaining({ key: "TOKEN", value: null })] });
    await expect(t.engine.apps.update(bob, "team-app", { description: "x" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(t.engine.config.set(bob, "team-app", { A: "1" })).rejects.toBeInstanceOf(ForbiddenError);

    await t.engine.apps.update(carol, "team-app", { description: "by carol" });
    await expect(t.engine.apps.delete(carol, "team-app")).rejects.toThrow(/member.*admin or above/);
    await expect(t.engine.apps.create(bob, { name: "viewer-app", teamId: team.id })).rejects.toBeInstanceOf(ForbiddenError);

    await t.engine.apps.delete(alice, "team-app");
    await expect(t.engine.apps.get(carol, "team-app")).rejects.toBeInstanceOf(AppNotFoundError);
  });

  it("renames, and refuses a rename onto a taken name without changing anything", async () => {
    await t.engine.apps.create(alice, { name: "old-name" });
    const renamed = await t.engine.apps.update(alice, "old-name", { name: "new-name" });
    expect(renamed.name).toBe("new-name");
    await expect(t.engine.apps.update(alice, "new-name", { name: "taken-name" })).rejects.toBeInstanceOf(AppNameTakenError);
    expect((await t.engine.apps.get(alice, renamed.id)).name).toBe("new-name");
  });

  it("pages, searches and sorts the list", async () => {
    const dave = await t.user("dave@example.com");
    for (const n of ["pg-delta", "pg-alpha", "pg-charlie", "pg-bravo", "other-one"]) {
      await t.engine.apps.create(dave, { name: n });
    }
    const first = await t.engine.apps.list(dave, { search: "pg-", perPage: 2, page: 1 });
    const second = await t.engine.apps.list(dave, { search: "pg-", perPage: 2, page: 2 });
    expect(first.total).toBe(4);
    expect(first.items.map((a) => a.name)).toEqual(["pg-alpha", "pg-bravo"]);
    expect(second.items.map((a) => a.name)).toEqual(["pg-charlie", "pg-delta"]);
    // The total comes with the page; a page past the end still says how many there are.
    expect(second.total).toBe(4);
    expect(await t.engine.apps.list(dave, { search: "pg-", perPage: 2, page: 9 })).toMatchObject({ items: [], total: 4 });
    // Each user sees only their own apps through the same (prepared) statement.
    expect((await t.engine.apps.list(alice, { search: "pg-" })).total).toBe(0);
    const desc = await t.engine.apps.list(dave, { sort: "name", order: "desc", perPage: 1 });
    expect(desc.items[0]?.name).toBe("pg-delta");
    const newest = await t.engine.apps.list(dave, { sort: "createdAt" });
    expect(newest.items[0]?.name).toBe("other-one");
    // LIKE wildcards in a search are taken literally.
    expect((await t.engine.apps.list(dave, { search: "%" })).total).toBe(0);
    await expect(t.engine.apps.list(dave, { perPage: 1000 })).rejects.toThrow(/perPage/);
  });

  it("writes an audit row naming the actor for each change", async () => {
    const app = await t.engine.apps.create(alice, { name: "audited-app" });
    await t.engine.apps.update(alice, "audited-app", { description: "changed" });
    await t.engine.config.set(alice, "audited-app", { API_KEY: "value-never-logged" });
    const trail = await t.engine.audit.forApp(alice, "audited-app");
    expect(trail.map((e) => [e.action, e.actorId])).toEqual([
      ["env_vars.insert", alice.userId],
      ["applications.update", alice.userId],
      ["applications.insert", alice.userId],
    ]);
    expect(trail[1]?.details).toMatchObject({ changed: ["description"] });
    // Tables whose trigger hides no column still log the row (0008).
    expect(trail[2]?.details).toMatchObject({ row: { name: "audited-app" } });
    expect(JSON.stringify(trail)).not.toContain("value-never-logged");
    expect(trail.every((e) => e.appId === app.id)).toBe(true);
  });
});
