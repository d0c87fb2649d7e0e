// `npm run restore`'s entry, as an operator runs it on a fresh machine: a folder backup restored
// into a new SKYPANEL_HOME by the command itself, and its refusals (no --from, a wrong passphrase)
// with exit 1, a message and nothing written.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@skypanel/db";
import { createTestEngine, type TestEngine } from "@skypanel/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PASSPHRASE = "the restore command's test passphrase";
const ROOT = join(import.meta.dirname, "../../..");

function restore(args: string[], passphrase = PASSPHRASE) {
  return spawnSync(process.execPath, ["--import", "tsx", "apps/bff/src/restore.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, SKYPANEL_BACKUP_PASSPHRASE: passphrase, SKYPANEL_ADDON_LOCAL_SERVERS: "off", DATABASE_URL: "" },
  });
}

describe("npm run restore", () => {
  let t: TestEngine;
  let folder: string;
  let archive: string;
  const homes: string[] = [];
  const freshHome = () => {
    const home = join(mkdtempSync(join(tmpdir(), "skypanel-restore-cmd-")), "home");
    homes.push(join(home, ".."));
    return home;
  };
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "skypanel-backups-"));
    t = await createTestEngine("pglite", {
      platformBackup: { passphrase: PASSPHRASE, destinations: { dir: folder, s3: null }, schedule: null, keep: 1, platformVersion: "test" },
    });
    const admin = await t.user("ops@example.com", { isAdmin: true });
    await t.engine.apps.create(admin, { name: "restored-by-command" });
    const row = await t.engine.platformBackups.create(admin, { to: "dir" });
    await t.engine.platformBackups.waitFor(row.id);
    archive = (await t.engine.platformBackups.get(admin, row.id)).location ?? "";
  });
  afterAll(async () => {
    await t?.close();
    rmSync(folder, { recursive: true, force: true });
    for (const dir of homes) rmSync(dir, { recursive: true, force: true });
  });

  it("restores a folder backup into a new home, which then holds the platform's apps", async () => {
    const home = freshHome();
    const run = restore(["--from", archive, "--home", home]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\[restore\] done in .* s: backup of /);
    expect(readdirSync(join(home, "keys")).length).toBeGreaterThan(0);
    const db = await openDatabase({ pgliteDir: join(home, "pgdata") });
    try {
      expect((await db.sql.query<{ name: string }>("SELECT name FROM applications")).map((a) => a.name)).toEqual(["restored-by-command"]);
    } finally {
      await db.close();
    }
  });

  it("refuses without --from, and with a wrong passphrase, exiting 1 and writing nothing", () => {
    const home = freshHome();
    const noFrom = restore(["--home", home]);
    expect(noFrom.status).toBe(1);
    expect(noFrom.stderr).toContain("Give the backup: --from");
    const wrong = restore(["--from", archive, "--home", home], "not the passphrase it was made with");
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/\[restore\] .*passphrase/i);
    expect(existsSync(home) ? readdirSync(home) : []).toEqual([]);
  });
});
