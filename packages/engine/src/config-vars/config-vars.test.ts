import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@skypanel/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { createEngine } from "../engine.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";

const MARKER = "plaintext-marker-7f3a9c-never-stored";

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

describe.each(TEST_DRIVERS)("config vars on %s", (driver) => {
  let t: TestEngine;
  let alice: Actor;
  beforeAll(async () => {
    t = await createTestEngine(driver);
    alice = await t.user("alice@example.com");
    await t.engine.apps.create(alice, { name: "cfg-app" });
  });
  afterAll(async () => {
    await t.close();
  });

  it("round-trips values, replaces on set, and lists keys in order", async () => {
    await t.engine.config.set(alice, "cfg-app", { B_KEY: "2", A_KEY: "1", UNICODE: "héllo ✓ \n multi-line" });
    await t.engine.config.set(alice, "cfg-app", { B_KEY: "two" });
    const { vars, canReveal } = await t.engine.config.get(alice, "cfg-app");
    expect(canReveal).toBe(true);
    expect(vars.map((v) => [v.key, v.value])).toEqual([
      ["A_KEY", "1"],
      ["B_KEY", "two"],
      ["UNICODE", "héllo ✓ \n multi-line"],
    ]);
  });

  it("never stores a value in plaintext in any table", async () => {
    await t.engine.config.set(alice, "cfg-app", { MARKED: MARKER });
    const tables = await t.database.sql.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    expect(tables.length).toBeGreaterThan(20);
    for (const { table_name } of tables) {
      const rows = await t.database.sql.query<{ row: string }>(`SELECT t::text AS row FROM ${table_name} t`);
      for (const r of rows) expect(r.row, table_name).not.toContain(MARKER);
    }
    const [stored] = await t.database.sql.query<{ ciphertext: Uint8Array; nonce: Uint8Array; key_id: string }>(
      "SELECT ciphertext, nonce, key_id FROM env_vars WHERE key = 'MARKED'",
    );
    expect(Buffer.from(stored?.ciphertext ?? []).toString("latin1")).not.toContain(MARKER);
    expect(stored?.nonce).toHaveLength(12);
    expect(stored?.key_id).toBe(t.engine.deps.keyring.currentId);
  });

  it("refuses a value moved into another row instead of decrypting it", async () => {
    await t.engine.config.set(alice, "cfg-app", { FROM: "secret-a", TO: "secret-b" });
    await t.database.sql.exec(
      "UPDATE env_vars SET ciphertext = (SELECT ciphertext FROM env_vars WHERE key = 'FROM'), nonce = (SELECT nonce FROM env_vars WHERE key = 'FROM') WHERE key = 'TO'",
    );
    await expect(t.engine.config.get(alice, "cfg-app")).rejects.toThrow(/unable to authenticate|auth/i);
    await t.engine.config.unset(alice, "cfg-app", ["TO"]);
  });

  it("rejects an unset naming a missing key and keeps the others", async () => {
    await t.engine.config.set(alice, "cfg-app", { KEEP_ME: "yes" });
    await expect(t.engine.config.unset(alice, "cfg-app", ["KEEP_ME", "NOT_THERE"])).rejects.toThrow(/NOT_THERE/);
    expect((await t.engine.config.get(alice, "cfg-app")).vars.map((v) => v.key)).toContain("KEEP_ME");
  });
});

describe("config vars in PGlite's files on disk", () => {
  it("never writes a value in plaintext to the data directory, and keeps the key file private", async () => {
    const home = mkdtempSync(join(tmpdir(), "skypanel-disk-"));
    try {
      const conn = await openDatabase({ pgliteDir: join(home, "pgdata") });
      const engine = await createEngine({ db: conn.db, sql: conn.sql, home });
      const root: Actor = { userId: "00000000-0000-0000-0000-000000000000", isAdmin: true };
      const u = await engine.users.create(root, { email: "disk@example.com", password: "correct horse battery" });
      const actor: Actor = { userId: u.id, isAdmin: false };
      await engine.apps.create(actor, { name: "disk-app" });
      await engine.config.set(actor, "disk-app", { MARKED: MARKER });
      await conn.sql.exec("CHECKPOINT");
      await conn.close();
      const files = filesUnder(join(home, "pgdata"));
      expect(files.length).toBeGreaterThan(100);
      for (const f of files) expect(readFileSync(f).includes(MARKER), f).toBe(false);
      // The marker is findable when it is really there: the check itself works.
      expect(Buffer.from(`x${MARKER}x`).includes(MARKER)).toBe(true);
      const keyFiles = readdirSync(join(home, "keys")).filter((f) => f.endsWith(".key"));
      expect(keyFiles).toHaveLength(1);
      expect(statSync(join(home, "keys", keyFiles[0] ?? "")).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
