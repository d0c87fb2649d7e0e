// Scheduled platform backups to a folder keep the newest `keep` (a manual one is never pruned),
// and the newest restores into an empty control database of the same kind, on both drivers:
// the PostgreSQL path is pg_dump/pg_restore, PGlite's is its data directory dump.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@skypanel/db";
import { createTestDatabase, type TestDatabase } from "@skypanel/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";
import { checkBackupSchedule, restorePlatformBackup } from "./index.ts";

const PASSPHRASE = "a long passphrase for the schedule test";

describe.each(TEST_DRIVERS)("scheduled platform backups on %s", (driver) => {
  let t: TestEngine;
  let admin: Actor;
  let folder: string;
  const cleanups: (() => Promise<void> | void)[] = [];
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "skypanel-backups-"));
    t = await createTestEngine(driver, {
      platformBackup: { passphrase: PASSPHRASE, destinations: { dir: folder, s3: null }, schedule: null, keep: 2, platformVersion: "test" },
    });
    admin = await t.user("ops@example.com", { isAdmin: true });
    await t.engine.apps.create(admin, { name: "kept-app" });
  });
  afterAll(async () => {
    for (const clean of cleanups) await clean();
    await t.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("keeps the newest two scheduled backups and every manual one, archives and rows", async () => {
    const manual = await t.engine.platformBackups.create(admin, { to: "dir" });
    await t.engine.platformBackups.waitFor(manual.id);
    const scheduled = [];
    for (let i = 0; i < 3; i++) scheduled.push(await t.engine.platformBackups.runScheduledNow());
    expect(scheduled.map((b) => b?.status)).toEqual(["succeeded", "succeeded", "succeeded"]);

    const rows = await t.engine.platformBackups.list(admin);
    expect(rows.map((r) => r.id).sort()).toEqual([manual.id, scheduled[1]?.id, scheduled[2]?.id].sort());
    const archives = readdirSync(folder).filter((f) => f.endsWith(".tar"));
    expect(archives).toHaveLength(3);
    expect(rows.every((r) => r.location && archives.some((a) => r.location?.endsWith(a)))).toBe(true);
  });

  it("refuses a schedule that is not a 5-field cron expression, and a second backup while one runs", async () => {
    expect(() => checkBackupSchedule("every day")).toThrow();
    expect(() => checkBackupSchedule("0 3 * * *")).not.toThrow();
    const first = await t.engine.platformBackups.create(admin, { to: "dir" });
    await expect(t.engine.platformBackups.create(admin, { to: "dir" })).rejects.toThrow(/running already/);
    await t.engine.platformBackups.waitFor(first.id);
  });

  it("restores the newest backup into an empty control database of the same kind", async () => {
    const newest = (await t.engine.platformBackups.list(admin)).find((b) => b.status === "succeeded");
    if (!newest?.location) throw new Error("no finished backup to restore");
    const home = mkdtempSync(join(tmpdir(), "skypanel-restored-"));
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    let target: TestDatabase | null = null;
    if (driver === "postgres") {
      target = await createTestDatabase("postgres", { migrate: false });
      cleanups.push(() => target?.drop());
    }
    const controlDb = target && "url" in target.source ? { databaseUrl: target.source.url } : { pgliteDir: join(home, "pgdata") };
    const summary = await restorePlatformBackup({ from: newest.location, passphrase: PASSPHRASE, home, controlDb });
    expect(summary.manifest.controlDb.driver).toBe(driver);
    expect(readdirSync(join(home, "keys")).length).toBeGreaterThan(0);

    const restored = target ?? (await openDatabase({ pgliteDir: join(home, "pgdata") }));
    try {
      const apps = await restored.sql.query<{ name: string }>("SELECT name FROM applications");
      expect(apps.map((a) => a.name)).toEqual(["kept-app"]);
    } finally {
      if (!target) await restored.close();
    }
    // A second restore into the same, now full, target is refused.
    await expect(restorePlatformBackup({ from: newest.location, passphrase: PASSPHRASE, home, controlDb })).rejects.toThrow();
  });
});
