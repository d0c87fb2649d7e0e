// Imports for real: a Heroku app served by the Heroku STAND-IN (Heroku itself is not reachable
// here), rebuilt with Nix from its slug, run in systemd-nspawn behind Caddy, its PostgreSQL data
// restored from a real pg_dump into an add-on on the test server; an app set up from app.json;
// an export imported again. Every request through Caddy is counted.
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_PG_ADMIN_URL } from "@skypanel/db/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { buildNetwork } from "../builds/index.ts";
import { FIXTURES } from "../builds/testing.ts";
import { createEngine, type Engine } from "../engine.ts";
import { loopbackOutboundPolicy } from "../net/index.ts";
import { freePort, httpGet } from "../router/testing.ts";
import { makeRepo } from "../sources/test-git.ts";
import { createTestEngine, type TestEngine } from "../testing.ts";
import { type HerokuStandIn, startHerokuStandIn } from "./heroku/stand-in.ts";
import { HEROKU_NOTES, type NotesOnHeroku, notesOnHeroku } from "./testing.ts";
import type { ImportView } from "./types.ts";

const REQUESTS = 10;

describe("imports (Heroku stand-in, nspawn, Caddy, real Nix, PostgreSQL add-ons; PGlite)", { timeout: 900_000 }, () => {
  let t: TestEngine;
  let engine: Engine;
  let alice: Actor;
  let httpPort: number;
  let standIn: HerokuStandIn;
  let heroku: NotesOnHeroku;
  const work = mkdtempSync(join(tmpdir(), "skypanel-imports-"));
  const cgroupParent = `spimport${process.pid}`;
  const admin = postgres(TEST_PG_ADMIN_URL, { max: 1, onnotice: () => {} });

  const get = (host: string, path = "/") => httpGet({ port: httpPort, host, path });
  /** Sends `REQUESTS` requests and returns every status, so a test asserts all of them. */
  const statuses = async (host: string, path = "/") => {
    const all: number[] = [];
    for (let i = 0; i < REQUESTS; i++) all.push((await get(host, path)).status);
    return all;
  };
  const finished = async (id: string, timeoutMs = 600_000): Promise<ImportView> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await engine.imports.get(alice, id);
      if (view.status !== "running") return view;
      if (Date.now() > deadline) throw new Error(`import still running: ${JSON.stringify(view.steps)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const addonDatabases = async () =>
    (await admin<{ datname: string }[]>`SELECT datname FROM pg_database WHERE datname LIKE 'addon_%'`).map((r) => r.datname);

  const options = () => ({
    builds: { concurrency: 2, allowLocalGit: true, network: buildNetwork(process.env) },
    // The Heroku stand-in and the git servers listen on loopback, which the platform refuses unless allowed.
    outbound: loopbackOutboundPolicy(),
    runtime: {
      mode: "nspawn" as const,
      router: { httpPort, baseDomain: "localhost" },
      cgroupParent,
      reconcileIntervalMs: 1000,
      deploy: { healthTimeoutMs: 30_000, drainMs: 300, canaryObserveMs: 1500 },
    },
    addons: { postgresUrl: TEST_PG_ADMIN_URL, gatewayPorts: { postgresql: 15482, redis: 15483 } },
    heroku: { apiUrl: standIn.url, dataApiUrl: standIn.dataUrl },
    domains: { dnsServers: ["127.0.0.1:9"], timeoutMs: 200 },
  });

  beforeAll(async () => {
    httpPort = await freePort();
    heroku = notesOnHeroku(join(work, "heroku"), TEST_PG_ADMIN_URL);
    standIn = await startHerokuStandIn(heroku.model);
    t = await createTestEngine("pglite", options());
    engine = t.engine;
    await engine.start();
    // An admin: importing an export's build into the shared Nix store is theirs to do (see startArchive).
    alice = await t.user("importer@example.com", { isAdmin: true });
  });
  afterAll(async () => {
    // Deleting the apps drops their add-ons' databases and roles on the shared test server.
    for (const app of (await engine.apps.list(alice).catch(() => ({ items: [] }))).items)
      await engine.apps.delete(alice, app.id).catch(() => {});
    await engine.running?.shutdown();
    // The engine made by the restart test is not the one t.close() stops.
    if (engine !== t.engine) await engine.stop();
    await t.close();
    await standIn?.close();
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  });

  it("plans the Heroku app: add-on vars recreated not copied, Papertrail not migrated, herokuapp.com skipped, no value anywhere", async () => {
    const plan = await engine.imports.herokuPlan(alice, { herokuApp: heroku.appName, herokuToken: heroku.token });
    expect(plan.app.name).toBe(heroku.appName);
    expect(plan.processes.map((p) => [p.type, p.quantity])).toEqual([
      ["web", 1],
      ["worker", 1],
    ]);
    expect(Object.fromEntries(plan.config.map((c) => [c.key, c.action]))).toEqual({
      DATABASE_URL: "addon",
      GREETING: "copy",
      PAPERTRAIL_API_TOKEN: "addon",
      SECRET_TOKEN: "copy",
    });
    // Heroku lists add-ons in its own order (by id).
    expect(plan.addons.map((a) => [a.service, a.becomes, a.data]).sort()).toEqual([
      ["heroku-postgresql", "postgresql", "backup"],
      ["papertrail", null, "none"],
    ]);
    expect(plan.unsupported.map((u) => u.what).join(" ")).toMatch(/papertrail/i);
    expect(plan.domains.map((d) => [d.hostname, d.action])).toEqual([
      [`${heroku.appName}.herokuapp.com`, "skip"],
      [`www.${heroku.appName}.example.com`, "add"],
    ]);
    expect(plan.source).toMatchObject({ kind: "slug" });
    const text = JSON.stringify(plan);
    for (const secret of [...heroku.secrets, heroku.token]) expect(text).not.toContain(secret);
    // Every Platform API request carried Heroku's v3 Accept header and the token as a Bearer.
    const api = standIn.requests.filter((r) => !r.path.startsWith("/blobs/"));
    expect(api.length).toBeGreaterThan(5);
    for (const r of api) expect(r.headers.authorization).toBe(`Bearer ${heroku.token}`);
  });

  it("a wrong token is refused with Heroku's reason, and nothing is made", async () => {
    await expect(
      engine.imports.startHeroku(alice, { herokuApp: heroku.appName, herokuToken: "HRKU-not-the-right-token" }),
    ).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    expect(await engine.imports.list(alice)).toEqual([]);
    expect((await engine.apps.list(alice)).items).toEqual([]);
  });

  let imported: ImportView;
  it("imports it: config, web and worker, the PostgreSQL add-on with Heroku's rows, the domain; verified through Caddy", async () => {
    const { id } = await engine.imports.startHeroku(alice, { herokuApp: heroku.appName, herokuToken: heroku.token });
    imported = await finished(id);
    expect(imported.status, `${imported.error} ${JSON.stringify(imported.steps)}`).toBe("succeeded");
    expect(imported.steps.map((s) => [s.name, s.status])).toEqual([
      ["app", "succeeded"],
      ["config", "succeeded"],
      ["addons", "succeeded"],
      ["data", "succeeded"],
      ["domains", "succeeded"],
      ["build", "succeeded"],
      ["deploy", "succeeded"],
      ["formation", "succeeded"],
      ["verify", "succeeded"],
    ]);
    expect(imported.url).toBe(`http://${heroku.appName}.localhost:${httpPort}/`);
    expect(imported.dns).toEqual([{ hostname: `www.${heroku.appName}.example.com`, type: "CNAME", target: `${heroku.appName}.localhost` }]);

    const host = `${heroku.appName}.localhost`;
    expect(await statuses(host)).toEqual(Array(REQUESTS).fill(200));
    expect((await get(host)).body).toBe(`${heroku.secrets[0]} from the imported app`);
    const notes = await get(host, "/notes");
    expect(notes.status).toBe(200);
    expect(JSON.parse(notes.body)).toEqual(HEROKU_NOTES);

    const config = await engine.config.get(alice, heroku.appName, { revealSecrets: true });
    const vars = Object.fromEntries(config.vars.map((v) => [v.key, v.value]));
    expect(Object.keys(vars).sort()).toEqual(["DATABASE_URL", "GREETING", "SECRET_TOKEN"]);
    expect(vars.SECRET_TOKEN).toBe(heroku.secrets[1]);
    // DATABASE_URL is the new add-on's, not Heroku's.
    expect(vars.DATABASE_URL).not.toBe(heroku.secrets[2]);
    const formation = await engine.formation.get(alice, heroku.appName);
    expect(formation.map((f) => [f.processType, f.quantity])).toEqual([
      ["web", 1],
      ["worker", 1],
    ]);
    expect((await engine.domains.list(alice, heroku.appName)).map((d) => d.hostname)).toEqual([`www.${heroku.appName}.example.com`]);
    // The slug's build output was dropped and the app rebuilt: no left-pad from Heroku's node_modules.
    const build = (await engine.builds.list(alice, heroku.appName))[0];
    expect(readdirSync(join(build?.storePath ?? "", "app"))).not.toContain(".heroku");
  });

  it("keeps no token and no config value: not on the import's row, not in the audit log", async () => {
    const [row] = await t.database.sql.query<{ secret: unknown; everything: string }>(
      "SELECT secret, row_to_json(imports)::text AS everything FROM imports WHERE id = $1",
      [imported.id],
    );
    expect(row?.secret).toBeNull();
    const audit = await t.database.sql.query<{ details: string }>(
      "SELECT details::text AS details FROM audit_log WHERE target_type = 'imports'",
    );
    expect(audit.length).toBeGreaterThanOrEqual(10);
    for (const text of [row?.everything ?? "", ...audit.map((a) => a.details)]) {
      for (const secret of [...heroku.secrets, heroku.token]) expect(text).not.toContain(secret);
    }
  });

  it("refuses a second import with the same name, making nothing", async () => {
    const before = await engine.imports.list(alice);
    await expect(engine.imports.startHeroku(alice, { herokuApp: heroku.appName, herokuToken: heroku.token })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/already taken/),
    });
    expect(await engine.imports.list(alice)).toHaveLength(before.length);
  });

  it("exports the app and imports the archive under another name: same build, same config, the rows with it", async () => {
    const passphrase = "correct horse battery staple";
    const made = await engine.imports.exportApp(alice, heroku.appName, { passphrase, includeData: true });
    const file = engine.imports.exportFile(made.exportId) ?? "";
    const archive = readFileSync(file);
    for (const secret of heroku.secrets.slice(0, 2)) expect(archive.includes(Buffer.from(secret))).toBe(false);
    const uploads = join(t.home, "uploads");
    const upload = join(uploads, `incoming-${randomUUID()}`);
    mkdirSync(uploads, { recursive: true });
    writeFileSync(upload, archive);
    engine.imports.removeExport(made.exportId);

    const { id } = await engine.imports.startArchive(alice, {
      uploadPath: upload,
      filename: made.filename,
      passphrase,
      name: "notes-copy",
    });
    const view = await finished(id);
    expect(view.status, `${view.error} ${JSON.stringify(view.steps)}`).toBe("succeeded");
    expect(view.steps.find((s) => s.name === "artifact")?.detail).toMatch(/not rebuilt/);
    // The domain stays with the app it belongs to on this platform.
    expect(view.steps.find((s) => s.name === "domains")).toMatchObject({
      status: "skipped",
      detail: `not added, another app here has it: www.${heroku.appName}.example.com`,
    });
    expect(await statuses("notes-copy.localhost")).toEqual(Array(REQUESTS).fill(200));
    expect((await get("notes-copy.localhost")).body).toBe(`${heroku.secrets[0]} from the imported app`);
    expect(JSON.parse((await get("notes-copy.localhost", "/notes")).body)).toEqual(HEROKU_NOTES);
    const [source, copy] = await Promise.all([engine.builds.list(alice, heroku.appName), engine.builds.list(alice, "notes-copy")]);
    expect(copy[0]?.storePath).toBe(source[0]?.storePath);
    await engine.apps.delete(alice, "notes-copy");
  });

  it("refuses an export with a wrong passphrase, and a damaged one, leaving nothing behind", async () => {
    const made = await engine.imports.exportApp(alice, heroku.appName, { passphrase: "the right passphrase here" });
    const archive = readFileSync(engine.imports.exportFile(made.exportId) ?? "");
    engine.imports.removeExport(made.exportId);
    const uploads = join(t.home, "uploads");
    mkdirSync(uploads, { recursive: true });
    const put = (bytes: Buffer) => {
      const path = join(uploads, `incoming-${randomUUID()}`);
      writeFileSync(path, bytes);
      return path;
    };
    const before = (await engine.imports.list(alice)).length;
    const wrong = put(archive);
    await expect(
      engine.imports.startArchive(alice, {
        uploadPath: wrong,
        filename: "x.tar.gz",
        passphrase: "not the passphrase at all",
        name: "notes-wrong",
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/passphrase/) });
    const damaged = Buffer.from(archive);
    const middle = Math.floor(damaged.length / 2);
    damaged[middle] = (damaged[middle] ?? 0) ^ 0xff;
    const broken = put(damaged);
    await expect(
      engine.imports.startArchive(alice, {
        uploadPath: broken,
        filename: "x.tar.gz",
        passphrase: "the right passphrase here",
        name: "notes-broken",
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const clash = put(archive);
    await expect(
      engine.imports.startArchive(alice, { uploadPath: clash, filename: "x.tar.gz", passphrase: "the right passphrase here" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    const bob = await t.user("not-an-admin@example.com");
    const foreign = put(archive);
    await expect(
      engine.imports.startArchive(bob, {
        uploadPath: foreign,
        filename: "x.tar.gz",
        passphrase: "the right passphrase here",
        name: "notes-bob",
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/platform admin/) });
    for (const path of [wrong, broken, clash, foreign]) expect(existsSync(path)).toBe(false);
    expect(readdirSync(join(t.home, "imports")).filter((d) => d.startsWith("archive-"))).toEqual([]);
    expect(await engine.imports.list(alice)).toHaveLength(before);
  });

  it("rolls the import back on request: the app, its add-on's database and its domain are gone", async () => {
    const app = await engine.apps.get(alice, heroku.appName);
    const addons = await engine.addons.list(alice, app.id);
    expect(addons).toHaveLength(1);
    await expect(engine.imports.rollback(alice, imported.id, { confirm: "wrong" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const view = await engine.imports.rollback(alice, imported.id, { confirm: heroku.appName });
    expect(view.status).toBe("rolled_back");
    expect(view.steps.every((s) => s.status === "rolled_back")).toBe(true);
    await expect(engine.apps.get(alice, heroku.appName)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await addonDatabases()).not.toContain(addons[0]?.resource);
    // The instances stop right after the delete (not at the reconciler's next pass); the route goes with them.
    await expect.poll(async () => (await get(`${heroku.appName}.localhost`)).status, { timeout: 30_000, interval: 250 }).toBe(404);
  });

  it("a failure mid-way removes everything the import made (Heroku's backup download fails)", async () => {
    standIn.failNext({ path: /^\/blobs\//, status: 500, times: 1, body: "backup storage unavailable" });
    const { id } = await engine.imports.startHeroku(alice, { herokuApp: heroku.appName, herokuToken: heroku.token, name: "notes-failing" });
    const view = await finished(id);
    expect(view.status).toBe("failed");
    expect(view.error).toMatch(/everything it made was removed/);
    expect(view.steps.find((s) => s.name === "data")?.status).toBe("failed");
    expect(view.steps.filter((s) => s.name === "app" || s.name === "addons").map((s) => s.status)).toEqual(["rolled_back", "rolled_back"]);
    await expect(engine.apps.get(alice, "notes-failing")).rejects.toMatchObject({ code: "NOT_FOUND" });
    // The add-on it made (its id kept on the row), by its database's name: other test files make and
    // drop add-on databases on the same server meanwhile, so the whole list is no measure.
    const [row] = await t.database.sql.query<{ made: { addons?: Record<string, string> } }>("SELECT made FROM imports WHERE id = $1", [id]);
    const made = Object.values(row?.made.addons ?? {}).map((addonId) => `addon_${addonId.replaceAll("-", "")}`);
    expect(made).toHaveLength(1);
    expect((await addonDatabases()).filter((d) => made.includes(d))).toEqual([]);
  });

  it("sets an app up from app.json: a generated secret, its add-on, web and worker, and its postdeploy run once", async () => {
    const repo = makeRepo(join(work, "app-json-repo"), work);
    const files = Object.fromEntries(
      readdirSync(join(FIXTURES, "app-json-notes")).map((name) => [name, readFileSync(join(FIXTURES, "app-json-notes", name), "utf8")]),
    );
    repo.commit("app with app.json", files);
    const { id } = await engine.imports.startAppJson(alice, { name: "notes-setup", source: { kind: "git", url: repo.dir, ref: "main" } });
    const view = await finished(id);
    expect(view.status, `${view.error} ${JSON.stringify(view.steps)}`).toBe("succeeded");
    expect(view.steps.map((s) => [s.name, s.status])).toEqual([
      ["app", "succeeded"],
      ["build", "succeeded"],
      ["config", "succeeded"],
      ["addons", "succeeded"],
      ["formation", "succeeded"],
      ["deploy", "succeeded"],
      ["postdeploy", "succeeded"],
      ["verify", "succeeded"],
    ]);
    expect(view.steps.find((s) => s.name === "config")?.detail).toMatch(/generated: SECRET_KEY_BASE/);
    const vars = Object.fromEntries(
      (await engine.config.get(alice, "notes-setup", { revealSecrets: true })).vars.map((v) => [v.key, v.value]),
    );
    expect(vars.SECRET_KEY_BASE).toMatch(/^[0-9a-f]{64}$/);
    expect(vars.GREETING).toBe("Hello from app.json");
    expect(vars).not.toHaveProperty("OPTIONAL_HOOK");
    expect(vars.DATABASE_URL).toMatch(/^postgres/);
    const formation = await engine.formation.get(alice, "notes-setup");
    expect(
      formation.map((f) => [f.processType, f.quantity, f.healthCheck]),
      JSON.stringify(view.steps),
    ).toEqual([
      ["web", 1, { path: "/", expectStatus: 200, intervalSeconds: 5 }],
      ["worker", 1, null],
    ]);
    const oneOffs = await engine.oneOffs.list(alice, "notes-setup");
    expect(oneOffs.map((o) => [o.command, o.status, o.exitCode])).toEqual([["node seed.js", "succeeded", 0]]);
    expect(await statuses("notes-setup.localhost")).toEqual(Array(REQUESTS).fill(200));
    expect(JSON.parse((await get("notes-setup.localhost", "/notes")).body)).toEqual(["seeded by postdeploy"]);
  });

  it("resumes after a control-plane restart: the steps that ended are not run again, and the app serves", async () => {
    const { id } = await engine.imports.startHeroku(alice, { herokuApp: heroku.appName, herokuToken: heroku.token, name: "notes-resumed" });
    // Stopped once the app, its config and its add-on exist, while a later step runs.
    for (let i = 0; i < 600; i++) {
      const view = await engine.imports.get(alice, id);
      if (view.steps.find((s) => s.name === "addons")?.status === "succeeded") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = await engine.imports.get(alice, id);
    expect(before.status).toBe("running");
    await engine.stop();
    const again = await createEngine({ db: t.database.db, sql: t.database.sql, home: t.home, ...options() });
    await again.start();
    engine = again;
    const view = await finished(id);
    expect(view.status, `${view.error} ${JSON.stringify(view.steps)}`).toBe("succeeded");
    // Made once: one app, one add-on, though the job ran twice.
    const made = await t.database.sql.query<{ target_type: string; n: string }>(
      `SELECT target_type, count(*)::text AS n FROM audit_log
        WHERE action IN ('applications.insert', 'addons.insert') AND app_id = $1 GROUP BY target_type ORDER BY 1`,
      [view.app.id],
    );
    expect(made.map((r) => [r.target_type, r.n])).toEqual([
      ["addons", "1"],
      ["applications", "1"],
    ]);
    expect(await statuses("notes-resumed.localhost")).toEqual(Array(REQUESTS).fill(200));
    expect(JSON.parse((await get("notes-resumed.localhost", "/notes")).body)).toEqual(HEROKU_NOTES);
  });
});
