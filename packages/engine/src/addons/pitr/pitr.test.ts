// Point-in-time recovery against a PostgreSQL cluster of the test's own (initdb in a temporary
// folder, as user postgres, its own port on 127.0.0.1, WAL archived into a folder): row A, time
// T, row B, a WAL switch; restoring the add-on to T gives a new add-on with A and without B.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../actor.ts";
import { createTestEngine, type TestEngine } from "../../testing.ts";
import { serverBinDir } from "./index.ts";

const bin = (p: string) => join(serverBinDir({}), p);
const asPostgres = (program: string, args: string[]) =>
  execFileSync("runuser", ["-u", "postgres", "--", bin(program), ...args], { cwd: "/", stdio: ["ignore", "pipe", "pipe"] });

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function withClient<T>(url: string, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    return await run(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

describe("point-in-time recovery of a PostgreSQL add-on on a cluster of the test's own", { timeout: 120_000 }, () => {
  let root = "";
  let data = "";
  let port = 0;
  let adminUrl = "";
  let t: TestEngine;
  let alice: Actor;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "skypanel-pitr-"));
    chmodSync(root, 0o755);
    data = join(root, "data");
    const archive = join(root, "archive");
    const sock = join(root, "sock");
    const work = join(root, "pitr");
    for (const d of [archive, sock, work]) mkdirSync(d, { mode: 0o700 });
    execFileSync("chown", ["-R", "postgres:postgres", root]);
    chmodSync(root, 0o755);
    const password = "pitr-test-password";
    writeFileSync(join(root, "pw"), password);
    execFileSync("chown", ["postgres", join(root, "pw")]);
    asPostgres("initdb", [
      "-D",
      data,
      "-U",
      "postgres",
      "--auth-local=peer",
      "--auth-host=scram-sha-256",
      `--pwfile=${join(root, "pw")}`,
      "-E",
      "UTF8",
    ]);
    port = await freePort();
    const conf = [
      `port = ${port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${sock}'`,
      "wal_level = replica",
      "archive_mode = on",
      `archive_command = 'test ! -f ${archive}/%f && cp %p ${archive}/%f'`,
      "max_wal_senders = 4",
      "shared_buffers = 32MB",
      "fsync = off",
    ];
    writeFileSync(join(data, "postgresql.auto.conf"), `${conf.join("\n")}\n`);
    asPostgres("pg_ctl", ["-D", data, "-l", join(root, "server.log"), "-w", "-t", "60", "start"]);
    adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
    t = await createTestEngine("pglite", {
      addons: { postgresUrl: adminUrl },
      addonBackups: { pitr: { archiveDir: archive, dir: work, socketDir: sock, port } },
    });
    alice = await t.user("alice@example.com");
    await t.engine.apps.create(alice, { name: "ledger" });
  });

  afterAll(async () => {
    await t?.close();
    // The cluster's postmaster, by its pid (pg_ctl first; SIGKILL if it did not stop).
    const pidFile = join(data, "postmaster.pid");
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
      const stopped = spawnSync("runuser", ["-u", "postgres", "--", bin("pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"], {
        cwd: "/",
      });
      if (stopped.status !== 0 && pid > 1) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {}
      }
    }
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it("restores the add-on to a time between two writes into a new add-on: the first write is there, the second is not", async () => {
    const db = await t.engine.addons.create(alice, "ledger", { type: "postgresql" });
    expect(db.pitr).toEqual({ enabled: false, earliest: null, latest: null });
    const enabled = await t.engine.addons.pitr.enable(alice, "ledger", db.id);
    expect(enabled.enabled).toBe(true);
    const vars = async () => (await t.engine.config.get(alice, "ledger", { revealSecrets: true })).vars;
    const url = (await vars()).find((v) => v.key === "DATABASE_URL")?.value ?? "";

    await withClient(url, async (sql) => {
      await sql`CREATE TABLE entries (id serial PRIMARY KEY, body text)`;
      await sql`INSERT INTO entries (body) VALUES ('row A')`;
    });
    await new Promise((r) => setTimeout(r, 300));
    const between = new Date();
    await new Promise((r) => setTimeout(r, 300));
    await withClient(url, (sql) => sql`INSERT INTO entries (body) VALUES ('row B')`);
    await withClient(adminUrl, (sql) => sql`SELECT pg_switch_wal()`);
    // The segment holding row B is archived by the server shortly after the switch.
    for (let i = 0; i < 50 && !((await t.engine.addons.get(alice, "ledger", db.id)).pitr?.latest ?? 0 > between.getTime()); i++) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const window = (await t.engine.addons.get(alice, "ledger", db.id)).pitr;
    expect(window?.earliest?.getTime()).toBeLessThan(between.getTime());
    expect(window?.latest?.getTime()).toBeGreaterThan(between.getTime());

    // Outside the window, and a time that is no date: refused, nothing made.
    await expect(t.engine.addons.pitr.restoreToTime(alice, "ledger", db.id, { at: new Date(Date.now() + 3600_000) })).rejects.toMatchObject(
      {
        code: "BAD_REQUEST",
      },
    );
    await expect(t.engine.addons.pitr.restoreToTime(alice, "ledger", db.id, { at: new Date("nope") })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await t.engine.addons.list(alice, "ledger")).toHaveLength(1);

    const started = await t.engine.addons.pitr.restoreToTime(alice, "ledger", db.id, { at: between, as: "LEDGER_AT_T_URL" });
    expect(started.restore.status).toBe("running");
    await t.engine.addons.pitr.waitFor(started.addonId);
    const restored = await t.engine.addons.get(alice, "ledger", started.addonId);
    expect(restored.restoredToTime).toMatchObject({ from: db.id, at: between.toISOString(), status: "succeeded", error: null });
    expect(restored.status).toBe("available");
    const copyUrl = (await vars()).find((v) => v.key === "LEDGER_AT_T_URL")?.value ?? "";
    expect(await withClient(copyUrl, (sql) => sql`SELECT body FROM entries ORDER BY id`)).toEqual([{ body: "row A" }]);
    // The source is untouched.
    expect(await withClient(url, (sql) => sql`SELECT body FROM entries ORDER BY id`)).toEqual([{ body: "row A" }, { body: "row B" }]);
    // No scratch cluster is left behind.
    expect(
      spawnSync("sh", ["-c", `ls ${join(root, "pitr")} | grep -c restore-`])
        .stdout.toString()
        .trim(),
    ).toBe("0");
  });
});
