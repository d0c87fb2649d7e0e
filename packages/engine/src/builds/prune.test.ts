import { existsSync, lstatSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { upsertCacheEntry } from "@skypanel/db/queries";
import { createTestDatabase, TEST_DRIVERS, type TestDatabase } from "@skypanel/db/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NIX_STATE, removeGcRoot } from "../nix/index.ts";
import { pruneBuildCache } from "./prune.ts";

describe.each(TEST_DRIVERS)("build cache pruning on %s", (driver) => {
  let t: TestDatabase;
  const tag = `prune-${Date.now()}`;
  beforeEach(async () => {
    t = await createTestDatabase(driver);
    mkdirSync(NIX_STATE.gcRoots, { recursive: true });
    const day = 86_400_000;
    for (const [name, size, ageDays] of [
      ["old", 100, 40],
      ["mid", 300, 5],
      ["new", 200, 1],
    ] as const) {
      const key = `${tag}-${name}`;
      await upsertCacheEntry(t.db, {
        cacheKey: key,
        appId: null,
        storePath: `/nix/store/${"a".repeat(32)}-${key}`,
        sizeBytes: size,
        stack: "nodejs",
        narHash: "x",
      });
      await t.sql.query("UPDATE build_cache SET last_used_at = $1 WHERE cache_key = $2", [
        new Date(Date.now() - ageDays * day).toISOString(),
        key,
      ]);
      const root = join(NIX_STATE.gcRoots, `deps-${key}`);
      if (!existsSync(root)) symlinkSync("/nonexistent", root);
    }
  });
  afterEach(async () => {
    for (const name of ["old", "mid", "new"]) removeGcRoot(`deps-${tag}-${name}`);
    await t.drop();
  });
  const rootExists = (name: string) => {
    try {
      lstatSync(join(NIX_STATE.gcRoots, `deps-${tag}-${name}`));
      return true;
    } catch {
      return false;
    }
  };

  it("reports without removing on a dry run", async () => {
    const report = await pruneBuildCache(t.db, { maxAgeDays: 30, dryRun: true });
    expect(report.removed.map((r) => [r.cacheKey, r.why])).toEqual([[`${tag}-old`, "age"]]);
    expect(rootExists("old")).toBe(true);
    expect((await t.sql.query("SELECT 1 FROM build_cache")).length).toBe(3);
  });

  it("drops by age, then the least recently used until the rest fit, removing their GC roots", async () => {
    const report = await pruneBuildCache(t.db, { maxAgeDays: 30, maxBytes: 250 });
    expect(report.removed.map((r) => [r.cacheKey.replace(`${tag}-`, ""), r.why])).toEqual([
      ["old", "age"],
      ["mid", "size"],
    ]);
    expect(report.freedBytes).toBe(400);
    expect(report.keptBytes).toBe(200);
    expect(rootExists("old")).toBe(false);
    expect(rootExists("mid")).toBe(false);
    expect(rootExists("new")).toBe(true);
    const left = await t.sql.query<{ cache_key: string }>("SELECT cache_key FROM build_cache");
    expect(left.map((r) => r.cache_key)).toEqual([`${tag}-new`]);
  });
});
