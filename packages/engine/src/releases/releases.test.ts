import { withActor } from "@skypanel/db/queries";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { ValidationError } from "../errors.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";

describe.each(TEST_DRIVERS)("releases and formation on %s", (driver) => {
  let t: TestEngine;
  let alice: Actor;
  let appId: string;
  let buildId: string;
  beforeAll(async () => {
    t = await createTestEngine(driver);
    alice = await t.user("rel@example.com");
    appId = (await t.engine.apps.create(alice, { name: "rel-app" })).id;
    await t.engine.config.set(alice, "rel-app", { DATABASE_URL: "postgres://secret-value-9c1d" });
    // A finished build, as the pipeline leaves it.
    const [row] = await t.database.sql.query<{ id: string }>(
      `INSERT INTO builds (app_id, number, status, source_type, store_path, plan)
       VALUES ($1, 1, 'succeeded', 'archive', '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-app', $2) RETURNING id`,
      [appId, JSON.stringify({ processes: { web: "npm start", worker: "node worker.js" }, release: "node migrate.js" })],
    );
    buildId = row?.id ?? "";
  });
  afterAll(async () => {
    await t.close();
  });

  it("makes v1, v2, … from builds with a sealed config snapshot the runtime can open", async () => {
    const v1 = await withActor(t.database.db, alice, (tx) => t.engine.releases.fromBuild(tx, alice, appId, buildId));
    expect(v1).toMatchObject({
      version: 1,
      kind: "build",
      processes: { web: "npm start", worker: "node worker.js" },
      releaseCommand: "node migrate.js",
    });
    expect(JSON.stringify(v1.configSnapshot)).not.toContain("secret-value-9c1d");
    expect(t.engine.releases.environment(v1)).toEqual({ DATABASE_URL: "postgres://secret-value-9c1d" });
    const v2 = await withActor(t.database.db, alice, (tx) => t.engine.releases.rollbackTo(tx, alice, v1));
    expect(v2).toMatchObject({ version: 2, kind: "rollback", storePath: v1.storePath, description: "Rollback to v1" });
    expect((await t.engine.releases.list(alice, "rel-app")).map((r) => r.version)).toEqual([2, 1]);
    expect((await t.engine.releases.get(alice, "rel-app", "v1")).id).toBe(v1.id);
    await expect(t.engine.releases.get(alice, "rel-app", "v9")).rejects.toThrow(/No release/);
    // Past PostgreSQL's integer range: not found, not an internal error from the query.
    await expect(t.engine.releases.get(alice, "rel-app", "v99999999999")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(t.engine.releases.get(alice, "rel-app", 2 ** 53)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses to release a build that did not succeed", async () => {
    const [failed] = await t.database.sql.query<{ id: string }>(
      "INSERT INTO builds (app_id, number, status, source_type) VALUES ($1, 2, 'failed', 'archive') RETURNING id",
      [appId],
    );
    await expect(withActor(t.database.db, alice, (tx) => t.engine.releases.fromBuild(tx, alice, appId, failed?.id ?? ""))).rejects.toThrow(
      /only a succeeded build/,
    );
  });

  it("scales by process type of the current release: web runs one by default, others none", async () => {
    const [v1] = await t.database.sql.query<{ id: string }>("SELECT id FROM releases WHERE app_id = $1 AND version = 1", [appId]);
    await t.database.sql.query("UPDATE applications SET current_release_id = $1 WHERE id = $2", [v1?.id, appId]);
    const changes: string[] = [];
    const stop = t.engine.onFormationChange((id) => changes.push(id));
    expect((await t.engine.formation.get(alice, "rel-app")).map((f) => [f.processType, f.quantity, f.command])).toEqual([
      ["web", 1, "npm start"],
      ["worker", 0, "node worker.js"],
    ]);
    await t.engine.formation.scale(alice, "rel-app", { web: 3, worker: { memoryMb: 256 } });
    const after = await t.engine.formation.get(alice, "rel-app");
    expect(after.map((f) => [f.processType, f.quantity, f.memoryMb])).toEqual([
      ["web", 3, 512],
      ["worker", 0, 256],
    ]);
    expect(changes).toEqual([appId]);
    stop();
    for (const bad of [{ clock: 1 }, { web: 101 }, { web: -1 }, { web: 1.5 }, { web: { memoryMb: 8 } }, {}]) {
      await expect(t.engine.formation.scale(alice, "rel-app", bad as never)).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(t.engine.formation.scale(alice, "rel-app", { clock: 1 })).rejects.toThrow(
      /has no process type "clock"; it has web, worker/,
    );
    expect((await t.engine.formation.get(alice, "rel-app")).find((f) => f.processType === "web")?.quantity).toBe(3);
  });
});
