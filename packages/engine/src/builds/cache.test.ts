// The dependency-layer cache's own checks, before anything reaches Nix (PGlite).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@skypanel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NixEnv } from "../nix/index.ts";
import { cachedLayer, treeBytes } from "./cache.ts";

describe("cachedLayer", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("pglite");
  });
  afterAll(async () => {
    await db.drop();
  });

  it("refuses a fetched layer bigger than the cap, naming both sizes, and stores nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "skypanel-layer-"));
    writeFileSync(join(dir, "a.bin"), Buffer.alloc(3000));
    writeFileSync(join(dir, "b.bin"), Buffer.alloc(2000));
    expect(treeBytes(dir)).toBe(5000);
    // Never reached: the size check comes before the layer goes into the store.
    const nix = {} as NixEnv;
    const lines: string[] = [];
    const layer = cachedLayer(db.db, nix, {
      key: "k".repeat(64),
      stack: "python",
      appId: "00000000-0000-0000-0000-000000000001",
      log: (l) => lines.push(l),
      make: async () => dir,
      maxBytes: 4096,
    });
    await expect(layer).rejects.toThrow("The dependency layer comes to 4.9 KiB, more than the 4.0 KiB a build may fetch.");
    const [row] = await db.sql.query<{ n: string }>("SELECT count(*) AS n FROM build_cache");
    expect(Number(row?.n)).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });
});
