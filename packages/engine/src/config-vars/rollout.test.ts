import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";

const VALUE = "postgres://user:hunter2-value-9c1e@db/app";

// The runtime is configured (so changes queue deployments) but never started: nothing runs here.
describe.each(TEST_DRIVERS)("a config change makes a release and queues its rollout on %s", (driver) => {
  let t: TestEngine;
  let alice: Actor;
  let liveId: string;
  const counts = async () => ({
    releases: (await t.engine.releases.list(alice, "live")).length,
    deployments: (await t.engine.deployments.list(alice, "live")).length,
  });

  beforeAll(async () => {
    t = await createTestEngine(driver, { runtime: { mode: "process", router: false } });
    alice = await t.user("alice@example.com");
    liveId = (await t.engine.apps.create(alice, { name: "live" })).id;
    await t.engine.apps.create(alice, { name: "fresh" });
    await t.release(alice, liveId, { web: "node server.js" });
  });
  afterAll(async () => {
    await t.close();
  });

  it("set makes v2 of kind config with the running build, the new config, a description naming keys only, and a queued rolling deployment", async () => {
    const v1 = await t.engine.releases.get(alice, "live", 1);
    const res = await t.engine.config.set(alice, "live", { PORT: "8080", DATABASE_URL: VALUE });
    expect(res.release).toMatchObject({ version: 2 });
    expect(res.vars.map((v) => v.key)).toEqual(["DATABASE_URL", "PORT"]);
    const v2 = await t.engine.releases.get(alice, "live", 2);
    expect(v2).toMatchObject({ id: res.release?.id, kind: "config", description: "Set DATABASE_URL, PORT" });
    expect(v2).toMatchObject({ buildId: v1.buildId, storePath: v1.storePath, processes: v1.processes });
    expect(t.engine.releases.environment(v2)).toEqual({ DATABASE_URL: VALUE, PORT: "8080" });
    expect(t.engine.releases.environment(v1)).toEqual({});

    const dep = await t.engine.deployments.get(alice, "live", res.deploymentId ?? "");
    expect(dep).toMatchObject({ status: "queued", strategy: "rolling", options: { releaseId: v2.id } });
  });

  it("unset makes v3 'Remove PORT' and another deployment; set and unset audit rows hold neither values nor ciphertext", async () => {
    const res = await t.engine.config.unset(alice, "live", ["PORT"]);
    expect(res.release?.version).toBe(3);
    const v3 = await t.engine.releases.get(alice, "live", 3);
    expect(v3).toMatchObject({ kind: "config", description: "Remove PORT" });
    expect(t.engine.releases.environment(v3)).toEqual({ DATABASE_URL: VALUE });
    expect(await counts()).toEqual({ releases: 3, deployments: 2 });

    const [stored] = await t.database.sql.query<{ ciphertext: Uint8Array }>("SELECT ciphertext FROM env_vars WHERE key = 'DATABASE_URL'");
    const sealed = Buffer.from(stored?.ciphertext ?? []);
    const audit = await t.database.sql.query<{ action: string; details: string }>(
      "SELECT action, details::text AS details FROM audit_log WHERE target_type IN ('env_vars', 'releases')",
    );
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["env_vars.insert", "env_vars.delete", "releases.insert"]));
    for (const a of audit) {
      expect(a.details).not.toContain("hunter2");
      expect(a.details).not.toContain(sealed.toString("base64"));
      expect(a.details).not.toContain(sealed.toString("hex"));
      expect(a.details).not.toContain("config_snapshot");
      expect(a.details).not.toContain("ciphertext");
    }
  });

  it("replace makes the config exactly what is named, in one release; a secret's value is shown only when asked for", async () => {
    const res = await t.engine.config.replace(alice, "live", { vars: { MODE: "prod" }, secrets: { API_KEY: "s3cret" } });
    expect(res.release?.version).toBe(4);
    expect(await t.engine.releases.get(alice, "live", 4)).toMatchObject({ description: "Set API_KEY, MODE; remove DATABASE_URL" });
    expect(res.vars.map((v) => [v.key, v.value, v.isSecret])).toEqual([
      ["API_KEY", null, true],
      ["MODE", "prod", false],
    ]);
    const revealed = await t.engine.config.get(alice, "live", { revealSecrets: true });
    expect(revealed.vars.find((v) => v.key === "API_KEY")?.value).toBe("s3cret");
    expect(t.engine.releases.environment(await t.engine.releases.get(alice, "live", 4))).toEqual({ API_KEY: "s3cret", MODE: "prod" });
  });

  it("bad input changes nothing: no var, no release, no deployment", async () => {
    const before = await counts();
    const config = JSON.stringify(await t.engine.config.get(alice, "live", { revealSecrets: true }));
    await expect(t.engine.config.set(alice, "live", { GOOD: "1", "1BAD": "x" })).rejects.toThrow(/not a valid config var name/);
    await expect(t.engine.config.set(alice, "live", { GOOD: 3 })).rejects.toThrow(/must be a string/);
    await expect(t.engine.config.set(alice, "live", {})).rejects.toThrow(/at least one/);
    await expect(t.engine.config.unset(alice, "live", ["MODE", "NOT_THERE"])).rejects.toThrow(/NOT_THERE/);
    await expect(t.engine.config.replace(alice, "live", { vars: { X: "1" }, secrets: { X: "2" } })).rejects.toThrow(/both/);
    expect(await counts()).toEqual(before);
    expect(JSON.stringify(await t.engine.config.get(alice, "live", { revealSecrets: true }))).toBe(config);
  });

  it("an app without a release only stores the change: nothing to roll out", async () => {
    const res = await t.engine.config.set(alice, "fresh", { GREETING: "hi" });
    expect(res.release).toBeUndefined();
    expect(res.deploymentId).toBeUndefined();
    expect((await t.engine.config.unset(alice, "fresh", ["GREETING"])).release).toBeUndefined();
    expect(await t.engine.releases.list(alice, "fresh")).toEqual([]);
    expect(await t.engine.deployments.list(alice, "fresh")).toEqual([]);
  });
});

describe("a config change on a platform that runs no apps (PGlite)", () => {
  it("makes the config release but queues no deployment", async () => {
    const t = await createTestEngine("pglite");
    try {
      const bob = await t.user("bob@example.com");
      const app = await t.engine.apps.create(bob, { name: "norun" });
      await t.release(bob, app.id, { web: "x" });
      const res = await t.engine.config.set(bob, "norun", { A: "1" });
      expect(res.release?.version).toBe(2);
      expect(res.deploymentId).toBeUndefined();
      expect(await t.engine.deployments.list(bob, "norun")).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
