// The add-on's whole round trip with a running app: the app (in a systemd-nspawn container,
// behind real Caddy) writes a row through the DATABASE_URL the platform set, which leads through
// the add-on gateway (packages/engine/src/addons/gateway.ts) to the machine's PostgreSQL; the
// add-on is backed up, the row deleted, the backup restored, and the app reads the row again.
// The app's PostgreSQL client is Debian's psql binary, from the host's /usr the container sees.
import { spawnSync } from "node:child_process";
import { TEST_PG_ADMIN_URL } from "@skypanel/db/testing";
import { dropPostgresAddon, dropRedisAddon } from "@skypanel/engine/addons-testing";
import { freePort, httpGet, waitFor } from "@skypanel/engine/router-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, releaseNodeApp, type TestBff } from "../testing.ts";

// GET /notes lists the rows, /notes/add?body=… inserts one, /notes/clear deletes them all; 503 until DATABASE_URL is set.
// GET /hits counts in Redis (redis-cli from the host's /usr) under the add-on's own key prefix; 503 until REDIS_URL is set.
const NOTES_APP = `
const { execFile } = require("node:child_process");
function psql(sql, done) {
  const url = new URL(process.env.DATABASE_URL);
  const env = { ...process.env, PGHOST: url.hostname, PGPORT: url.port || "5432", PGUSER: decodeURIComponent(url.username),
    PGPASSWORD: decodeURIComponent(url.password), PGDATABASE: url.pathname.slice(1) };
  execFile("/usr/lib/postgresql/15/bin/psql", ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], { env }, done);
}
require("node:http").createServer((req, res) => {
  const url = new URL(req.url, "http://app");
  if (url.pathname === "/hits") {
    if (!process.env.REDIS_URL) return res.writeHead(503).end("no REDIS_URL yet");
    const key = decodeURIComponent(new URL(process.env.REDIS_URL).username) + ":hits";
    return execFile("/usr/bin/redis-cli", ["--no-auth-warning", "-u", process.env.REDIS_URL, "INCR", key], (err, stdout, stderr) =>
      err || /ERR|NOPERM/.test(stdout) ? res.writeHead(500).end(stderr + stdout) : res.end(stdout.trim()));
  }
  if (!process.env.DATABASE_URL) return res.writeHead(503).end("no DATABASE_URL yet");
  const body = (url.searchParams.get("body") || "").replace(/[^a-z ]/g, "");
  const sql = "CREATE TABLE IF NOT EXISTS notes (body text); " + (url.pathname === "/notes/add"
    ? "INSERT INTO notes VALUES ('" + body + "')"
    : url.pathname === "/notes/clear" ? "DELETE FROM notes"
    : "SELECT coalesce(string_agg(body, ','), '') FROM notes");
  psql(sql, (err, stdout, stderr) => err ? res.writeHead(500).end(stderr) : res.end(stdout.trim()));
}).listen(Number(process.env.PORT));
`;

const TEST_REDIS_ADMIN_URL = process.env.SKYPANEL_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

describe("an app in a container writes through its PostgreSQL add-on's DATABASE_URL; backup, delete, restore (nspawn; PGlite)", {
  timeout: 180_000,
}, () => {
  let t: TestBff;
  let token: string;
  let httpPort: number;
  let storePath = "";
  const made: string[] = [];
  const madeRedis: string[] = [];

  beforeAll(async () => {
    httpPort = await freePort();
    t = await createTestBff("pglite", {
      runtime: {
        mode: "nspawn",
        router: { httpPort, baseDomain: "localhost" },
        reconcileIntervalMs: 500,
        cgroupParent: `sptest${process.pid}`,
      },
      // Not the default 15432, which a platform running on this machine may hold.
      addons: { postgresUrl: TEST_PG_ADMIN_URL, redisUrl: TEST_REDIS_ADMIN_URL, gatewayPorts: { postgresql: 15433, redis: 15434 } },
    });
    await t.engine.start();
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    token = await t.login("ops@example.com");
    const appId = (await t.rest("POST", "/api/apps", { token, body: { name: "notes" } })).body.id;
    storePath = await releaseNodeApp(t, token, appId, NOTES_APP);
  });
  afterAll(async () => {
    await t.engine.running?.shutdown();
    await t.close();
    for (const resource of made) await dropPostgresAddon(TEST_PG_ADMIN_URL, resource);
    for (const resource of madeRedis) await dropRedisAddon(TEST_REDIS_ADMIN_URL, resource);
    if (storePath) spawnSync("nix-store", ["--delete", storePath], { encoding: "utf8" });
  });

  const app = (path: string) => httpGet({ port: httpPort, host: "notes.localhost", path });
  const until = <T>(what: string, check: () => Promise<T | undefined>) => waitFor(what, check, 60_000);

  it("the row the app wrote is back after the backup is restored", async () => {
    await until("the app behind Caddy", async () => ((await app("/notes")).status === 503 ? true : undefined));

    const addon = await t.rest("POST", "/api/apps/notes/addons", { token, body: { type: "postgresql" } });
    expect(addon.status).toBe(201);
    made.push(addon.body.resource);
    const addonPath = `/api/apps/notes/addons/${addon.body.id}`;
    // The URL names the gateway, not the server: the container reaches nothing else of the host.
    const config = await t.rest("GET", "/api/apps/notes/config?reveal=secrets", { token });
    expect(new URL(config.body.vars.DATABASE_URL).host).toBe("10.214.255.253:15433");
    // Attaching is a config release; the rolling deployment gives the app its DATABASE_URL.
    await until("the app restarted with DATABASE_URL", async () => ((await app("/notes")).status === 200 ? true : undefined));
    expect(await app("/notes/add?body=first%20order")).toMatchObject({ status: 200 });
    expect((await app("/notes")).body).toBe("first order");

    const backup = await t.rest("POST", `${addonPath}/backups`, { token });
    expect(backup.status).toBe(202);
    expect(backup.body).toMatchObject({ id: expect.any(String), status: "running" });
    const done = await until("the backup", async () => {
      const res = await t.rest("GET", `${addonPath}/backups/${backup.body.id}`, { token });
      return res.body.status === "running" ? undefined : res.body;
    });
    expect(done).toMatchObject({ status: "succeeded", error: null });
    expect((await t.rest("GET", `${addonPath}/backups`, { token })).body.backups.map((b: { id: string }) => b.id)).toEqual([
      backup.body.id,
    ]);

    expect((await app("/notes/clear")).status).toBe(200);
    expect((await app("/notes")).body).toBe("");

    const restorePath = `${addonPath}/backups/${backup.body.id}/restore`;
    const unconfirmed = await t.rest("POST", restorePath, { token });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body.error.message).toContain('"notes"');
    expect(
      (await t.rest("POST", `${addonPath}/backups/00000000-0000-0000-0000-000000000000/restore`, { token, body: { confirm: "notes" } }))
        .status,
    ).toBe(404);
    expect((await app("/notes")).body).toBe("");

    const restore = await t.rest("POST", restorePath, { token, body: { confirm: "notes" } });
    expect(restore.status).toBe(202);
    const restored = await until("the restore", async () => {
      const res = await t.rest("GET", `${addonPath}/backups/${backup.body.id}`, { token });
      return res.body.restoreStatus === "running" ? undefined : res.body;
    });
    expect(restored).toMatchObject({ restoreStatus: "succeeded", restoreError: null, restoredInto: addon.body.id });
    expect((await app("/notes")).body).toBe("first order");
    // The app keeps writing to the restored table.
    expect((await app("/notes/add?body=second%20order")).status).toBe(200);
    expect((await app("/notes")).body).toBe("first order,second order");
  });

  it("counts in its Redis add-on through REDIS_URL, which also leads through the gateway", async () => {
    const cache = await t.rest("POST", "/api/apps/notes/addons", { token, body: { type: "redis" } });
    expect(cache.status).toBe(201);
    madeRedis.push(cache.body.resource);
    const config = await t.rest("GET", "/api/apps/notes/config?reveal=secrets", { token });
    expect(new URL(config.body.vars.REDIS_URL).host).toBe("10.214.255.253:15434");
    await until("the app restarted with REDIS_URL", async () => ((await app("/hits")).status === 200 ? true : undefined));
    const first = Number((await app("/hits")).body);
    expect((await app("/hits")).body).toBe(String(first + 1));
  });
});
