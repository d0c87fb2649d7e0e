import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { SqlRunner } from "../client.ts";
import { loadMigrations, migrateDown, migrateUp } from "../migrate.ts";
import { createTestDatabase, TEST_DRIVERS, type TestDatabase } from "../testing.ts";
import { insertAuditEvent, sweepAuditLog, verifyAuditChain } from "./audit.ts";

const event = (action: string) => ({ actorId: null, action, targetType: "test", details: { note: action, n: 1 } });

/** What a database superuser can do and the platform cannot: edit the log with its guard off. */
async function asSuperuser(sql: SqlRunner, statement: string, params: unknown[] = []) {
  await sql.transaction(async (tx) => {
    await tx.exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only");
    await tx.query(statement, params);
    await tx.exec("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only");
  });
}

const seqs = async (sql: SqlRunner) =>
  (await sql.query<{ seq: string | number }>("SELECT seq FROM audit_log ORDER BY seq")).map((r) => Number(r.seq));

describe.each(TEST_DRIVERS)("the audit log's hash chain on %s", (driver) => {
  // One database for every case (making one is the slow part); each case starts with an empty log.
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(driver);
  });
  afterAll(async () => {
    await t?.drop();
  });
  beforeEach(async () => {
    await asSuperuser(t.sql, "DELETE FROM audit_log");
    await t.sql.query("DELETE FROM audit_log_anchors");
  });

  it("chains rows from the audit triggers and from insertAuditEvent, also when written at the same time", async () => {
    await t.sql.query("INSERT INTO teams (name) VALUES ('ops')"); // the row-change trigger's path
    await insertAuditEvent(t.db, { ...event("auth.login"), ip: "10.0.0.1" });
    // On PostgreSQL these run on four pooled connections at once; each transaction writes two rows.
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.db.transaction(async (tx) => {
          await insertAuditEvent(tx, event(`parallel.${i}.a`));
          await insertAuditEvent(tx, event(`parallel.${i}.b`));
        }),
      ),
    );
    const rows = await t.sql.query<{ action: string; prev_hash: string | null; hash: string }>(
      "SELECT action, prev_hash, hash FROM audit_log ORDER BY seq",
    );
    expect(rows[0]).toMatchObject({ action: "teams.insert", prev_hash: null });
    expect(rows.slice(1).every((r, i) => r.prev_hash === rows[i]?.hash)).toBe(true);
    // The chain's lock is held to the end of each transaction: its two rows are never split.
    const parallel = rows.slice(2).map((r) => r.action);
    expect(parallel.filter((_, i) => i % 2 === 1)).toEqual(parallel.filter((_, i) => i % 2 === 0).map((a) => a.replace(/a$/, "b")));
    expect(await seqs(t.sql)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, checked: 26 });
  });

  it("refuses updates, deletes and truncation from everyone but the retention sweep", async () => {
    await insertAuditEvent(t.db, event("a"));
    await expect(t.sql.query("UPDATE audit_log SET action = 'b'")).rejects.toThrow(/append-only: UPDATE/);
    await expect(t.sql.query("DELETE FROM audit_log")).rejects.toThrow(/append-only: DELETE/);
    await expect(t.sql.exec("TRUNCATE audit_log")).rejects.toThrow(/append-only: TRUNCATE/);
    // A writer cannot choose its place in the chain: the trigger replaces what it sends.
    await t.sql.query("INSERT INTO audit_log (action, target_type, seq, prev_hash, hash) VALUES ('c', 'test', 99, 'x', 'y')");
    expect(await seqs(t.sql)).toEqual([1, 2]);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: 2 });
  });

  it("names the row edited in place (hash mismatch) and the row after one deleted (broken link)", async () => {
    for (const a of ["one", "two", "three", "four", "five"]) await insertAuditEvent(t.db, event(a));
    const ids = (await t.sql.query<{ id: string | number }>("SELECT id FROM audit_log ORDER BY seq")).map((r) => Number(r.id));

    await asSuperuser(t.sql, `UPDATE audit_log SET details = '{"note": "nothing happened"}' WHERE id = $1`, [ids[2]]);
    expect(await verifyAuditChain(t.db)).toEqual({ ok: false, checked: 5, firstBad: { id: ids[2], seq: 3, reason: "hash mismatch" } });

    // Even with its own hash recomputed, the edited row no longer fits the one after it.
    await asSuperuser(t.sql, "UPDATE audit_log a SET hash = skypanel_audit_row_hash(a) WHERE id = $1", [ids[2]]);
    expect((await verifyAuditChain(t.db)).firstBad).toEqual({ id: ids[3], seq: 4, reason: "broken link (a row before it was deleted)" });

    await asSuperuser(t.sql, "DELETE FROM audit_log WHERE id = ANY($1)", [[ids[2], ids[3]]]);
    expect(await verifyAuditChain(t.db)).toEqual({
      ok: false,
      checked: 3,
      firstBad: { id: ids[4], seq: 5, reason: "broken link (a row before it was deleted)" },
    });
    // The first row gone without an anchor is a break too.
    await asSuperuser(t.sql, "DELETE FROM audit_log WHERE id = $1", [ids[0]]);
    expect((await verifyAuditChain(t.db)).firstBad).toEqual({ id: ids[1], seq: 2, reason: "broken link (a row before it was deleted)" });
  });

  it("retention deletes the oldest rows from the start of the chain and verification starts at its anchor", async () => {
    const old = (days: number, action: string) =>
      t.sql.query(`INSERT INTO audit_log (action, target_type, created_at) VALUES ($1, 'test', now() - $2 * interval '1 day')`, [
        action,
        days,
      ]);
    await old(400, "old.1");
    await old(399, "old.2");
    await old(10, "recent.1");
    await old(398, "old-but-after-a-recent-row"); // kept: only whole prefixes go, so the chain stays unbroken
    const cutoff = new Date(Date.now() - 365 * 86_400_000);
    expect(await sweepAuditLog(t.db, cutoff)).toBe(2);
    expect(await sweepAuditLog(t.db, cutoff)).toBe(0);
    const [second] = await t.sql.query<{ hash: string }>("SELECT hash FROM audit_log_anchors");
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, checked: 2, anchor: { seq: 2, hash: second?.hash } });
    await insertAuditEvent(t.db, event("after-the-sweep"));
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: 3 });

    // Everything swept: the next row still chains onto the last one deleted.
    expect(await sweepAuditLog(t.db, new Date(Date.now() + 86_400_000))).toBe(3);
    await insertAuditEvent(t.db, event("fresh"));
    expect(await seqs(t.sql)).toEqual([6]);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true, checked: 1, anchor: { seq: 5 } });

    // A row deleted right after the anchor is still found.
    await insertAuditEvent(t.db, event("fresher"));
    await asSuperuser(t.sql, "DELETE FROM audit_log WHERE seq = 6");
    expect((await verifyAuditChain(t.db)).firstBad).toMatchObject({ seq: 7, reason: "broken link (a row before it was deleted)" });
  });

  it("chains the rows already written when the migration runs, in the order they were written", async () => {
    const all = loadMigrations();
    const chain = all.find((m) => m.name === "0023_audit_chain");
    // Back to just before 0023 (and whatever came after it), with a log written meanwhile.
    await migrateDown(t.sql, (chain?.version ?? 0) - 1);
    await t.sql.query("INSERT INTO teams (name) VALUES ('ops'), ('dev')");
    await t.sql.query(`INSERT INTO audit_log (action, target_type, details, ip) VALUES ('x', 'test', '{"b": [1, "é"], "a": null}', '::1')`);
    await migrateUp(t.sql, all);
    expect(await seqs(t.sql)).toEqual([1, 2, 3]);
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, checked: 3 });
  });
});
