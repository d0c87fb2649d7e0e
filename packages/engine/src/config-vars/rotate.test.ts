import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { createEngine } from "../engine.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";

describe.each(TEST_DRIVERS)("master key rotation on %s", (driver) => {
  let t: TestEngine;
  let admin: Actor;
  let alice: Actor;

  beforeAll(async () => {
    t = await createTestEngine(driver);
    admin = await t.user("root@example.com", { isAdmin: true });
    alice = await t.user("alice@example.com");
    const app = await t.engine.apps.create(alice, { name: "keyed" });
    await t.engine.config.set(alice, "keyed", { A: "one", B: "two ✓" });
    await t.release(alice, app.id, { web: "x" });
    await t.engine.config.set(alice, "keyed", { C: "three" }, { secret: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it("refuses a user who is not a platform admin", async () => {
    const before = t.engine.deps.keyring.currentId;
    await expect(t.engine.keys.rotate(alice)).rejects.toThrow(/platform admin/);
    expect(t.engine.deps.keyring.currentId).toBe(before);
  });

  it("re-seals every value and release snapshot under a new key; the old key can then be removed and everything still opens", async () => {
    const old = t.engine.deps.keyring.currentId;
    const result = await t.engine.keys.rotate(admin);
    expect(result.keyId).not.toBe(old);
    expect(result).toMatchObject({ retired: [old], vars: 3, releases: 2 });
    expect(t.engine.deps.keyring.currentId).toBe(result.keyId);

    const envKeys = await t.database.sql.query<{ key_id: string }>("SELECT DISTINCT key_id FROM env_vars");
    expect(envKeys).toEqual([{ key_id: result.keyId }]);
    const snapshotKeys = await t.database.sql.query<{ key_id: string }>(
      "SELECT DISTINCT v.value ->> 'keyId' AS key_id FROM releases, jsonb_each(config_snapshot -> 'vars') v",
    );
    expect(snapshotKeys).toEqual([{ key_id: result.keyId }]);

    rmSync(join(t.home, "keys", `${old}.key`));
    // A fresh engine has no key cached: it opens everything with the files on disk alone.
    const again = await createEngine({ db: t.database.db, sql: t.database.sql, home: t.home });
    expect(again.deps.keyring.currentId).toBe(result.keyId);
    const { vars } = await again.config.get(alice, "keyed", { revealSecrets: true });
    expect(vars.map((v) => [v.key, v.value])).toEqual([
      ["A", "one"],
      ["B", "two ✓"],
      ["C", "three"],
    ]);
    const envs = await Promise.all((await again.releases.list(alice, "keyed")).map((r) => again.releases.environment(r)));
    expect(envs).toEqual([
      { A: "one", B: "two ✓", C: "three" },
      { A: "one", B: "two ✓" },
    ]);
    // New values are sealed with the new key too.
    await again.config.set(alice, "keyed", { D: "four" });
    expect(await t.database.sql.query("SELECT key_id FROM env_vars WHERE key = 'D'")).toEqual([{ key_id: result.keyId }]);
    await again.stop();
  });
});
