import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "./client.ts";
import { migrateUp } from "./migrate.ts";
import { analyzeDueTables } from "./pglite-analyze.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("PGlite's ANALYZE, done as autovacuum would", () => {
  it("analyzes tables never analyzed, then only those grown by more than a page and 10 %", async () => {
    const db = new PGlite();
    try {
      await db.exec("create table small (id int primary key, name text); create table big (id int primary key)");
      expect((await analyzeDueTables(db)).sort()).toEqual(["big", "small"]);
      expect(await analyzeDueTables(db)).toEqual([]);
      await db.exec("insert into big select g from generate_series(1, 1000) g");
      await db.exec("insert into small values (1, 'a'), (2, 'b')");
      // big: 0 → 5 pages; small: 0 → 1 page (not more than one).
      expect(await analyzeDueTables(db)).toEqual(["big"]);
      const [stats] = (await db.query<{ reltuples: number }>("select reltuples from pg_class where relname = 'big'")).rows;
      expect(stats?.reltuples).toBe(1000);
      // 90 more rows on 1,000 fit in the pages it has (no page more); 10,000 more do not.
      await db.exec("insert into big select g from generate_series(1001, 1090) g");
      expect(await analyzeDueTables(db)).toEqual([]);
      await db.exec("insert into big select g from generate_series(1091, 11090) g");
      expect(await analyzeDueTables(db)).toEqual(["big"]);
    } finally {
      await db.close();
    }
  });

  it("a table named to break out of its quotes is analyzed as itself", async () => {
    const db = new PGlite();
    try {
      await db.exec(`create table "odd""; drop table victim; --" (id int); create table victim (id int)`);
      expect((await analyzeDueTables(db)).sort()).toEqual(['odd"; drop table victim; --', "victim"]);
      expect((await db.query("select 1 from victim")).rows).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it("runs in the background of an on-disk control database, and stops with it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "skypanel-analyze-"));
    dirs.push(dir);
    const conn = await openDatabase({ pgliteDir: dir });
    try {
      await migrateUp(conn.sql);
      // The first pass comes within 2 s of opening; wait for it by its result, at most 20 s.
      let analyzed = 0;
      for (let i = 0; i < 200 && analyzed === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        [{ analyzed = 0 } = {}] = await conn.sql.query<{ analyzed: number }>(
          "select count(*)::int as analyzed from pg_class where relname = 'applications' and reltuples >= 0",
        );
      }
      expect(analyzed).toBe(1);
    } finally {
      await conn.close();
    }
  });
});
