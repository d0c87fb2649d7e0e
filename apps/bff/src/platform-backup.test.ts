// A whole platform backed up and brought back on a fresh home (issue 18): two apps in nspawn
// containers behind real Caddy, one with a PostgreSQL add-on holding rows, a config var and a
// domain; backed up over REST into a bucket (s3rver on loopback); the platform stopped, its
// add-on database and role dropped and its apps' store paths deleted (the machine is gone); then
// restored offline into a new SKYPANEL_HOME and a new control database (PGlite), and a platform
// started there. Tampered, truncated and wrong-passphrase restores are refused first, writing nothing.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { CreateBucketCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { openDatabase } from "@skypanel/db";
import { TEST_PG_ADMIN_URL, type TestDatabase } from "@skypanel/db/testing";
import { DamagedBackupError, restorePlatformBackup, WrongBackupPassphraseError } from "@skypanel/engine";
import { dropPostgresAddon } from "@skypanel/engine/addons-testing";
import { freePort, httpGet, waitFor } from "@skypanel/engine/router-testing";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, releaseNodeApp, type TestBff } from "./testing.ts";

const PASSPHRASE = "four unrelated words, rebuilt";
const REQUESTS = 20;
const GATEWAY = { postgresql: 15441, redis: 15442 };
const S3_KEYS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

// GET /notes lists the rows of its add-on (psql from the host's /usr), /notes/add?body=… adds one.
const NOTES_APP = `
const { execFile } = require("node:child_process");
require("node:http").createServer((req, res) => {
  const url = new URL(req.url, "http://app");
  if (!process.env.DATABASE_URL) return res.writeHead(503).end("no DATABASE_URL yet");
  const db = new URL(process.env.DATABASE_URL);
  const env = { ...process.env, PGHOST: db.hostname, PGPORT: db.port, PGUSER: decodeURIComponent(db.username),
    PGPASSWORD: decodeURIComponent(db.password), PGDATABASE: db.pathname.slice(1) };
  const body = (url.searchParams.get("body") || "").replace(/[^a-z ]/g, "");
  const sql = "CREATE TABLE IF NOT EXISTS notes (body text); " + (url.pathname === "/notes/add"
    ? "INSERT INTO notes VALUES ('" + body + "')" : "SELECT coalesce(string_agg(body, ',' ORDER BY body), '') FROM notes");
  execFile("/usr/lib/postgresql/15/bin/psql", ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], { env },
    (err, stdout, stderr) => err ? res.writeHead(500).end(stderr) : res.end(stdout.trim()));
}).listen(Number(process.env.PORT));
`;
const GREETER_APP = `require("node:http").createServer((req, res) => res.end("hello " + process.env.GREETING)).listen(Number(process.env.PORT));`;

/** The apps' Nix profiles (machine-wide, by app name): the deploys' GC roots. */
const PROFILES = "/nix/var/nix/profiles/skypanel/apps";
const dropProfiles = () => {
  for (const f of existsSync(PROFILES) ? readdirSync(PROFILES) : [])
    if (/^pb-(notes|greeter)(-\d+-link)?$/.test(f)) rmSync(join(PROFILES, f), { force: true });
};

interface Facts {
  releases: { name: string; current_release_id: string; store_path: string }[];
  builds: number;
}

describe("a platform backed up to a bucket and restored into a new home serves its apps again, not rebuilt (nspawn; PGlite)", {
  timeout: 300_000,
}, () => {
  const parent = mkdtempSync(join(tmpdir(), "skypanel-platform-backup-"));
  let s3server: S3rver;
  let s3: { endpoint: string; bucket: string; region: string; accessKeyId: string; secretAccessKey: string; prefix: string };
  let first: TestBff | null = null;
  let second: TestBff | null = null;
  let token = "";
  const storePaths: string[] = [];
  const addonResources: string[] = [];
  const gcRoots: string[] = [];
  let before: Facts;
  let location = "";

  const runtime = (httpPort: number, tag: string) => ({
    mode: "nspawn" as const,
    router: { httpPort, baseDomain: "localhost" },
    reconcileIntervalMs: 500,
    cgroupParent: `sptest${process.pid}${tag}`,
  });
  const get = (port: number, app: string, path = "/") => httpGet({ port, host: `${app}.localhost`, path });
  const statuses = async (port: number, app: string) => {
    const all: number[] = [];
    for (let i = 0; i < REQUESTS; i++) all.push((await get(port, app).catch(() => ({ status: 0 }))).status);
    return all;
  };
  const facts = async (t: TestBff): Promise<Facts> => ({
    releases: await t.database.sql.query(
      `SELECT a.name, a.current_release_id, r.store_path FROM applications a JOIN releases r ON r.id = a.current_release_id ORDER BY a.name`,
    ),
    builds: Number((await t.database.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM builds"))[0]?.n),
  });

  let firstPort = 0;
  beforeAll(async () => {
    s3server = new S3rver({ port: 0, address: "127.0.0.1", directory: join(parent, "s3"), silent: true });
    const { port } = await s3server.run();
    s3 = { endpoint: `http://127.0.0.1:${port}`, bucket: "platform-backups", region: "us-east-1", ...S3_KEYS, prefix: "skypanel" };
    const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: S3_KEYS });
    await client.send(new CreateBucketCommand({ Bucket: s3.bucket }));

    firstPort = await freePort();
    first = await createTestBff("pglite", {
      runtime: runtime(firstPort, "a"),
      addons: { postgresUrl: TEST_PG_ADMIN_URL, gatewayPorts: GATEWAY },
      platformBackup: {
        passphrase: PASSPHRASE,
        destinations: { dir: null, s3 },
        schedule: null,
        keep: 3,
        platformVersion: "test",
      },
    });
    await first.engine.start();
    await first.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    token = await first.login("ops@example.com");
  });
  afterAll(async () => {
    for (const t of [first, second]) {
      await t?.engine.running?.shutdown();
      await t?.close();
    }
    for (const resource of addonResources) await dropPostgresAddon(TEST_PG_ADMIN_URL, resource);
    dropProfiles();
    for (const root of gcRoots) rmSync(join("/nix/var/nix/gcroots/skypanel", root), { force: true });
    for (const path of storePaths) spawnSync("nix-store", ["--delete", path], { encoding: "utf8" });
    await s3server?.close();
    rmSync(parent, { recursive: true, force: true });
  });

  it("the first platform serves two apps, one with rows in its PostgreSQL add-on, a config var and a domain; a backup goes to the bucket", async () => {
    const t = first as TestBff;
    const rest = (method: string, path: string, body?: unknown) => t.rest(method, path, { token, ...(body ? { body } : {}) });
    for (const name of ["pb-notes", "pb-greeter"]) expect((await rest("POST", "/api/apps", { name })).status).toBe(201);
    const ids = Object.fromEntries(
      (await t.database.sql.query<{ id: string; name: string }>("SELECT id, name FROM applications")).map((a) => [a.name, a.id]),
    );
    storePaths.push(await releaseNodeApp(t, token, ids["pb-notes"] ?? "", NOTES_APP));
    storePaths.push(await releaseNodeApp(t, token, ids["pb-greeter"] ?? "", GREETER_APP));
    const addon = await rest("POST", "/api/apps/pb-notes/addons", { type: "postgresql" });
    expect(addon.status).toBe(201);
    addonResources.push(addon.body.resource);
    expect((await rest("POST", "/api/apps/pb-greeter/config/vars", { vars: { GREETING: "from before the fire" } })).status).toBe(200);
    expect((await rest("POST", "/api/apps/pb-greeter/domains", { domain: "pb-greeter.example.test" })).status).toBe(201);

    await waitFor(
      "notes with its DATABASE_URL",
      async () => ((await get(firstPort, "pb-notes", "/notes")).status === 200 ? true : undefined),
      90_000,
    );
    await waitFor(
      "greeter with its GREETING",
      async () => ((await get(firstPort, "pb-greeter")).body.includes("fire") ? true : undefined),
      90_000,
    );
    for (const body of ["first%20order", "second%20order"])
      expect((await get(firstPort, "pb-notes", `/notes/add?body=${body}`)).status).toBe(200);
    expect((await get(firstPort, "pb-notes", "/notes")).body).toBe("first order,second order");
    expect(await statuses(firstPort, "pb-greeter")).toEqual(Array(REQUESTS).fill(200));
    expect(await statuses(firstPort, "pb-notes")).toEqual(Array(REQUESTS).fill(200));
    before = await facts(t);

    const started = await rest("POST", "/api/platform/backups", { to: "s3" });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body).toMatchObject({ status: "running", destination: "s3", trigger: "manual" });
    await t.engine.platformBackups.waitFor(started.body.id);
    const done = (await rest("GET", `/api/platform/backups/${started.body.id}`)).body;
    expect(done, JSON.stringify(done)).toMatchObject({ status: "succeeded", error: null, sizeBytes: expect.any(Number) });
    expect(done.location).toMatch(/^s3:\/\/platform-backups\/skypanel\/skypanel-backup-.*\.tar$/);
    expect((await rest("GET", "/api/platform/backups")).body.backups.map((b: { id: string }) => b.id)).toEqual([started.body.id]);
    location = done.location;
  });

  it("the machine is lost: the platform stops, its add-on's database and its apps' store paths are gone", async () => {
    const t = first as TestBff;
    await t.engine.running?.shutdown();
    await t.close();
    first = null;
    for (const resource of addonResources) await dropPostgresAddon(TEST_PG_ADMIN_URL, resource);
    dropProfiles();
    for (const path of storePaths) {
      const deleted = spawnSync("nix-store", ["--delete", path], { encoding: "utf8" });
      expect(deleted.status, deleted.stderr).toBe(0);
    }
  });

  const newHome = join(parent, "restored-home");
  const restoreInput = (from: string, passphrase = PASSPHRASE) => ({
    from,
    s3,
    passphrase,
    home: newHome,
    controlDb: { pgliteDir: join(newHome, "pgdata") },
    addonPostgresUrl: TEST_PG_ADMIN_URL,
  });
  const nothingWritten = () => expect(existsSync(newHome) ? readdirSync(newHome) : []).toEqual([]);

  it("refuses a tampered archive, a truncated one and a wrong passphrase, writing nothing", async () => {
    const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: S3_KEYS });
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(location) ?? [];
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = Buffer.from(await (got.Body as Readable & { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
    const tampered = Buffer.from(bytes);
    // A byte in the middle: inside the control database's dump or a closure, past the manifest.
    const at = Math.floor(bytes.length / 2);
    tampered[at] = (tampered[at] ?? 0) ^ 0xff;
    writeFileSync(join(parent, "tampered.tar"), tampered);
    writeFileSync(join(parent, "truncated.tar"), bytes.subarray(0, Math.floor(bytes.length * 0.7)));

    await expect(restorePlatformBackup(restoreInput(join(parent, "tampered.tar")))).rejects.toThrow(DamagedBackupError);
    nothingWritten();
    await expect(restorePlatformBackup(restoreInput(join(parent, "truncated.tar")))).rejects.toThrow(DamagedBackupError);
    nothingWritten();
    await expect(restorePlatformBackup(restoreInput(location, "not the passphrase at all"))).rejects.toThrow(WrongBackupPassphraseError);
    nothingWritten();
    for (const path of storePaths) expect(spawnSync("nix-store", ["--check-validity", path]).status).not.toBe(0);
    expect(
      spawnSync(
        "runuser",
        ["-u", "postgres", "--", "psql", "-XAtc", `SELECT count(*) FROM pg_database WHERE datname = '${addonResources[0]}'`],
        {
          cwd: "/",
          encoding: "utf8",
        },
      ).stdout.trim(),
    ).toBe("0");
  });

  it("restores into a new home and database; the platform started there serves both apps on the same releases, with config, domain and rows", async () => {
    const restoreStarted = Date.now();
    const steps: string[] = [];
    const summary = await restorePlatformBackup({ ...restoreInput(location), onProgress: (p) => steps.push(p.step) });
    expect(summary.addonsRestored).toEqual(addonResources);
    expect(steps).toEqual(expect.arrayContaining(["verify", "keys", "restore-db", "import-closures", "addon-data"]));
    gcRoots.push(...summary.manifest.releases.map((r) => (r.buildId ? `build-${r.buildId}` : `release-${r.releaseId}`)));
    for (const path of storePaths) expect(spawnSync("nix-store", ["--check-validity", path]).status).toBe(0);

    const conn = await openDatabase({ pgliteDir: join(newHome, "pgdata") });
    const database: TestDatabase = { ...conn, drop: () => conn.close() };
    const port = await freePort();
    second = await createTestBff("pglite", {
      home: newHome,
      database,
      runtime: runtime(port, "b"),
      addons: { postgresUrl: TEST_PG_ADMIN_URL, gatewayPorts: GATEWAY },
    });
    await second.engine.start();
    const t = second;
    await waitFor(
      "both apps answering",
      async () =>
        (await get(port, "pb-notes", "/notes")).status === 200 && (await get(port, "pb-greeter")).status === 200 ? true : undefined,
      90_000,
    );
    const rtoMs = Date.now() - restoreStarted;
    console.log(`[platform-backup] RTO: restore start to both apps answering 200: ${rtoMs} ms`);

    expect(await statuses(port, "pb-notes")).toEqual(Array(REQUESTS).fill(200));
    expect(await statuses(port, "pb-greeter")).toEqual(Array(REQUESTS).fill(200));
    expect((await get(port, "pb-notes", "/notes")).body).toBe("first order,second order");
    expect((await get(port, "pb-greeter")).body).toBe("hello from before the fire");
    const after = await facts(t);
    expect(after.releases).toEqual(before.releases);
    // Nothing was built again: the same builds, none queued or run since.
    expect(after.builds).toBe(before.builds);
    const jobs = await t.database.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE kind = 'build' AND created_at > $1", [
      new Date(restoreStarted),
    ]);
    expect(jobs[0]?.n).toBe(0);

    const login = await t.login("ops@example.com");
    const vars = (await t.rest("GET", "/api/apps/pb-greeter/config?reveal=secrets", { token: login })).body.vars;
    expect(vars.GREETING).toBe("from before the fire");
    const domains = (await t.rest("GET", "/api/apps/pb-greeter/domains", { token: login })).body.domains;
    expect(domains.map((d: { hostname: string }) => d.hostname)).toEqual(["pb-greeter.example.test"]);
    const addons = (await t.rest("GET", "/api/apps/pb-notes/addons", { token: login })).body.addons;
    expect(addons.map((a: { resource: string }) => a.resource)).toEqual(addonResources);
    // The add-on's login is the recorded one, made again: the app keeps writing through it.
    expect((await get(port, "pb-notes", "/notes/add?body=third%20order")).status).toBe(200);
    expect((await get(port, "pb-notes", "/notes")).body).toBe("first order,second order,third order");
    expect(readFileSync(join(newHome, "keys", "current"), "utf8")).toMatch(/^k\d{8}-/);
  });
});
