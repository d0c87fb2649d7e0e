// audit:verify and audit:export, and the REST routes under them, against a real platform (the BFF
// over an engine on PGlite). The chain itself is tested on both drivers in packages/db.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, type TestBff } from "../../../apps/bff/src/testing.ts";
import { createAudit } from "../../engine/src/audit/index.ts";
import { runCli } from "./testing/io.ts";

describe("the audit log's verify and export (a real platform on PGlite)", () => {
  let t: TestBff;
  let env: NodeJS.ProcessEnv;
  let admin: string;
  let member: string;
  beforeAll(async () => {
    t = await createTestBff("pglite");
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    admin = await t.login("ops@example.com");
    await t.user("eve@example.com");
    member = await t.login("eve@example.com");
    const token = (await t.rest("POST", "/api/tokens", { token: admin, body: { name: "cli-audit" } })).body.token;
    env = { SKYPANEL_URL: await t.listen(), SKYPANEL_API_KEY: token };
    // Text a user can get into the log, made to run as a spreadsheet formula.
    await t.database.sql.query(
      `INSERT INTO audit_log (action, target_type, target_id, ip, details)
       VALUES ('=HYPERLINK("http://evil.example","x")', 'test', '@SUM(A1)', '-1+1', '{"note": "+x"}')`,
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it("refuses non-admins (403) and bad queries (400)", async () => {
    for (const path of ["/api/audit/verify", "/api/audit/export", "/api/audit/export?format=csv"]) {
      const res = await t.rest("GET", path, { token: member });
      expect(res.status, path).toBe(403);
      expect(res.body.error.message).toMatch(/Only a platform admin/);
    }
    expect((await t.rest("GET", "/api/audit/verify")).status).toBe(401);
    for (const query of ["format=xml", "limit=0", "limit=50001", "since=yesterday", "since=2026-01-02&until=2026-01-01"]) {
      const res = await t.rest("GET", `/api/audit/export?${query}`, { token: admin });
      expect(res.status, query).toBe(400);
      expect(res.body.error.message, query).toMatch(/format|limit|since|until/);
    }
  });

  it("exports JSON in chain order and CSV with formula cells defused, and audits the export", async () => {
    const json = await t.rest("GET", "/api/audit/export", { token: admin });
    expect(json.status).toBe(200);
    const seqs = json.body.entries.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual(seqs.map((_: number, i: number) => i + 1));
    expect(json.body.entries[1]).toMatchObject({ prevHash: json.body.entries[0].hash, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(json.body.truncated).toBe(false);
    expect((await t.rest("GET", "/api/audit/export?limit=1", { token: admin })).body).toMatchObject({ truncated: true });

    const csv = await t.rest("GET", "/api/audit/export?format=csv&since=1h", { token: admin });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (csv.body as string).trimEnd().split("\r\n");
    expect(lines[0]).toBe("seq,id,created_at,actor_id,team_id,app_id,action,target_type,target_id,ip,details,prev_hash,hash");
    const evil = lines.find((l) => l.includes("HYPERLINK")) ?? "";
    expect(evil).toContain(`,"'=HYPERLINK(""http://evil.example"",""x"")",test,'@SUM(A1),'-1+1,`);
    expect(lines.every((l) => !/(^|,)[=+\-@]/.test(l))).toBe(true);

    const exports = await t.database.sql.query<{ details: { format: string } }>(
      "SELECT details FROM audit_log WHERE action = 'audit.export' ORDER BY seq",
    );
    expect(exports.map((e) => e.details.format)).toEqual(["json", "json", "csv"]);
  });

  it("audit:verify passes, keeps passing after retention (from its anchor), and fails naming a row edited in the database", async () => {
    const ok = await runCli(["audit:verify"], { env });
    expect(ok).toMatchObject({ code: 0, stderr: "" });
    expect(ok.stdout).toMatch(/^Audit log intact: \d+ rows checked\.\n$/);

    // Retention as the hourly upkeep runs it; kept forever (null) deletes nothing.
    expect(await createAudit(t.engine.deps, t.engine.apps, { retentionDays: null }).sweep()).toEqual({ deleted: 0 });
    const swept = await createAudit(t.engine.deps, t.engine.apps, { retentionDays: 30 }).sweep(new Date(Date.now() + 31 * 86_400_000));
    expect(swept.deleted).toBeGreaterThan(5);
    await t.rest("POST", "/api/apps", { token: admin, body: { name: "after-sweep" } });
    const anchored = await runCli(["audit:verify"], { env });
    expect(anchored.code).toBe(0);
    expect(anchored.stdout).toMatch(/rows checked \(from retention's anchor after row \d+\)\./);

    const [row] = await t.database.sql.query<{ id: number }>("SELECT id FROM audit_log WHERE action = 'applications.insert'");
    await t.database.sql.transaction(async (tx) => {
      // As a database superuser could: with the append-only guard off.
      await tx.exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only");
      await tx.query(`UPDATE audit_log SET details = '{}' WHERE id = $1`, [row?.id]);
      await tx.exec("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only");
    });
    const broken = await runCli(["audit:verify"], { env });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`Audit log broken at row ${row?.id} `);
    expect(broken.stderr).toContain("hash mismatch");
    const rest = await t.rest("GET", "/api/audit/verify", { token: admin });
    expect(rest.body).toMatchObject({ ok: false, firstBad: { id: Number(row?.id), reason: "hash mismatch" } });
  });

  it("audit:export prints CSV or JSON and refuses a bad format before asking", async () => {
    const csv = await runCli(["audit:export", "--format", "csv"], { env });
    expect(csv.code).toBe(0);
    expect(csv.stdout).toMatch(/^seq,id,created_at,/);
    const json = await runCli(["audit:export", "--limit", "1"], { env });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ entries: [expect.objectContaining({ seq: expect.any(Number) })], truncated: true });
    expect(json.stderr).toContain("More rows matched than --limit");
    expect(await runCli(["audit:export", "--format", "xml"], { env })).toMatchObject({ code: 2 });
  });
});
