// An app moved between two platforms, each a process of its own with its own SKYPANEL_HOME (as
// `npm start` runs it): built and deployed on the first with a config var and a PostgreSQL add-on
// holding a row, exported over REST with its data, imported over REST into the second, which
// serves the same build with the same config and the row, without rebuilding. Every request
// through each platform's Caddy is counted.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { freePort, httpGet } from "@skypanel/engine/router-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archive, asSuperuser, multipart, type Platform, startPlatform, stopPlatform } from "./platform-process.testing.ts";

const REPO = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const FIXTURE = join(REPO, "packages/engine/fixtures/apps/node-express-postgres");
const ADMIN = { email: "mover@example.com", password: "correct horse battery" };
const PASSPHRASE = "moving day, twelve characters and more";
const REQUESTS = 20;
/** A config value distinctive enough to look for in the archive's bytes. */
const CURRENCY = "EUR-ledger-7f3a9c";

interface Side {
  name: string;
  home: string;
  api: string;
  httpPort: number;
  token: string;
  platform: Platform | null;
  env: NodeJS.ProcessEnv;
}

describe("export from one platform process, import into another with its own SKYPANEL_HOME", { timeout: 900_000 }, () => {
  const parent = mkdtempSync(join(tmpdir(), "skypanel-move-"));
  const sides: Side[] = [];
  const addonDatabases: string[] = [];

  const call = async (side: Side, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${side.api}${path}`, {
      method,
      headers: { authorization: `Bearer ${side.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const until = async <T>(side: Side, what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 600_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline)
        throw new Error(`${what} did not finish: ${JSON.stringify(value)}\n${side.platform?.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  const app = (side: Side, path = "/") => httpGet({ port: side.httpPort, host: "ledger.localhost", path });
  const statuses = async (side: Side) => {
    const all: number[] = [];
    for (let i = 0; i < REQUESTS; i++) all.push((await app(side).catch(() => ({ status: 0 }))).status);
    return all;
  };

  /** On a miss, what the platform said and its instances, to tell why (seen in CI: a 502, then 503s). */
  const why = async (side: Side) =>
    [
      `${side.name}'s instances: ${JSON.stringify((await call(side, "GET", "/api/apps/ledger/instances")).body)}`,
      `its app's logs: ${JSON.stringify((await call(side, "GET", "/api/apps/ledger/logs?tail=40")).body)}`,
      `its output: ${side.platform?.output().slice(-4000)}`,
    ].join("\n");

  async function start(name: string, gateway: number): Promise<Side> {
    const port = await freePort();
    const side: Side = {
      name,
      home: join(parent, name),
      api: `http://127.0.0.1:${port}`,
      httpPort: await freePort(),
      token: "",
      platform: null,
      env: {},
    };
    for (const [k, v] of Object.entries(process.env)) if (!/^(SKYPANEL_|DATABASE_URL$|VITEST|NODE_ENV$)/.test(k)) side.env[k] = v;
    side.env = {
      ...side.env,
      SKYPANEL_HOME: side.home,
      SKYPANEL_PORT: String(port),
      SKYPANEL_HTTP_PORT: String(side.httpPort),
      SKYPANEL_HTTPS_PORT: String(await freePort()),
      SKYPANEL_ADMIN_EMAIL: ADMIN.email,
      SKYPANEL_ADMIN_PASSWORD: ADMIN.password,
      SKYPANEL_ADDON_POSTGRES_GATEWAY_PORT: String(gateway),
      SKYPANEL_ADDON_REDIS_GATEWAY_PORT: String(gateway + 1),
      SKYPANEL_STOP_APPS_ON_EXIT: "1",
    };
    side.platform = startPlatform(REPO, ["npm", "start"], side.env);
    sides.push(side);
    await until(
      side,
      `${name}'s start`,
      async () => {
        if (side.platform?.child.exitCode !== null) throw new Error(`${name} exited:\n${side.platform?.output()}`);
        return fetch(`${side.api}/healthz`).then(
          (r) => r.status,
          () => 0,
        );
      },
      (s) => s === 200,
    );
    const login = await fetch(`${side.api}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ADMIN),
    });
    expect(login.status).toBe(200);
    side.token = ((await login.json()) as { token: string }).token;
    return side;
  }

  let from: Side;
  let to: Side;
  beforeAll(async () => {
    // One after the other: the first start may build the dashboard, which the second then reuses.
    from = await start("first", 15490);
    to = await start("second", 15492);
  });
  afterAll(async () => {
    const roles = sides
      .map((s) => join(s.home, "keys", "local-addon-servers.json"))
      .filter(existsSync)
      .map((f) => (JSON.parse(readFileSync(f, "utf8")) as { role: string }).role);
    for (const side of sides) await stopPlatform(side.platform);
    for (const db of addonDatabases) {
      asSuperuser(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      asSuperuser(`DROP ROLE IF EXISTS "${db}"`);
    }
    for (const role of roles) asSuperuser(`DROP ROLE IF EXISTS ${role}`);
    rmSync(parent, { recursive: true, force: true });
  });

  let storePath = "";
  it("the first platform builds and deploys the app, with a config var and a row in its PostgreSQL add-on", async () => {
    expect((await call(from, "POST", "/api/apps", { name: "ledger" })).status).toBe(201);
    expect((await call(from, "POST", "/api/apps/ledger/config/vars", { vars: { LEDGER_CURRENCY: CURRENCY } })).status).toBe(200);
    const addon = await call(from, "POST", "/api/apps/ledger/addons", { type: "postgresql" });
    expect(addon.status, JSON.stringify(addon.body)).toBe(201);
    addonDatabases.push(addon.body.resource);
    const { body, contentType } = multipart(archive(FIXTURE), "ledger.tar.gz");
    const uploaded = await fetch(`${from.api}/api/apps/ledger/builds`, {
      method: "POST",
      headers: { authorization: `Bearer ${from.token}`, "content-type": contentType },
      body,
    });
    expect(uploaded.status).toBe(202);
    const buildId = ((await uploaded.json()) as { id: string }).id;
    const build = await until(
      from,
      "the build",
      async () => (await call(from, "GET", `/api/apps/ledger/builds/${buildId}`)).body,
      (b) => !["queued", "running"].includes(b.status),
    );
    expect(build.status).toBe("succeeded");
    storePath = build.storePath;
    const deploy = await call(from, "POST", "/api/apps/ledger/deployments", { buildId });
    expect(deploy.status).toBe(202);
    const deployed = await until(
      from,
      "the deployment",
      async () => (await call(from, "GET", `/api/apps/ledger/deployments/${deploy.body.id}`)).body,
      (d) => !["queued", "pending", "running"].includes(d.status),
    );
    expect(deployed.status, JSON.stringify(deployed)).toBe("succeeded");
    expect(await statuses(from)).toEqual(Array(REQUESTS).fill(200));
    const added = await app(from, "/notes/add?body=carried%20over");
    expect(added.status, await why(from)).toBe(201);
    const notes = await app(from, "/notes");
    expect(notes, await why(from)).toMatchObject({ status: 200, body: '["carried over"]' });
  });

  let exported: Buffer;
  it("exports it over REST: one archive, its config sealed under the passphrase (no value in the clear)", async () => {
    const refused = await fetch(`${from.api}/api/apps/ledger/export?data=1`, { headers: { authorization: `Bearer ${from.token}` } });
    expect(refused.status).toBe(400);
    const res = await fetch(`${from.api}/api/apps/ledger/export?data=1`, {
      headers: { authorization: `Bearer ${from.token}`, "x-skypanel-passphrase": PASSPHRASE },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/gzip");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="ledger-\d{4}-\d{2}-\d{2}\.skypanel\.tar\.gz"$/);
    exported = Buffer.from(await res.arrayBuffer());
    expect(exported.length).toBeGreaterThan(1000);
    const tar = gunzipSync(exported);
    expect(tar.includes(Buffer.from("LEDGER_CURRENCY"))).toBe(true);
    expect(tar.includes(Buffer.from(CURRENCY))).toBe(false);
    // Sent once, then removed (when the stream closes, just after the last byte).
    const left = await until(
      from,
      "the export's removal",
      async () => readdirSync(join(from.home, "exports")),
      (l) => l.length === 0,
      10_000,
    );
    expect(left).toEqual([]);
  });

  it("the second platform refuses a wrong passphrase, then imports it: same build, same config, the row, served through its Caddy", async () => {
    const upload = (passphrase: string) => {
      const { body, contentType } = multipart(exported, "ledger.skypanel.tar.gz", { passphrase });
      return fetch(`${to.api}/api/imports/archive`, {
        method: "POST",
        headers: { authorization: `Bearer ${to.token}`, "content-type": contentType },
        body,
      });
    };
    const wrong = await upload("not the passphrase it was sealed with");
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toMatch(/passphrase/);
    expect((await call(to, "GET", "/api/apps")).body.apps).toEqual([]);

    const started = await upload(PASSPHRASE);
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    const done = await until(
      to,
      "the import",
      async () => (await call(to, "GET", `/api/imports/${id}`)).body,
      (v) => v.status !== "running",
    );
    expect(done.status, JSON.stringify(done)).toBe("succeeded");
    expect(done.steps.find((s: { name: string }) => s.name === "artifact").detail).toContain("not rebuilt");
    addonDatabases.push(...(await call(to, "GET", "/api/apps/ledger/addons")).body.addons.map((a: { resource: string }) => a.resource));

    expect(await statuses(to), await why(to)).toEqual(Array(REQUESTS).fill(200));
    expect(await app(to, "/notes")).toMatchObject({ status: 200, body: '["carried over"]' });
    const vars = (await call(to, "GET", "/api/apps/ledger/config?reveal=secrets")).body.vars;
    expect(vars.LEDGER_CURRENCY).toBe(CURRENCY);
    expect(vars.DATABASE_URL).toMatch(/^postgres/);
    // The first platform's build, loaded into this one's Nix store: the same store path.
    const builds = (await call(to, "GET", "/api/apps/ledger/builds")).body.builds;
    expect(builds.map((b: { storePath: string; status: string }) => [b.storePath, b.status])).toEqual([[storePath, "succeeded"]]);
    // The first platform still serves its own copy.
    const served = await statuses(from);
    expect(served, served.every((s) => s === 200) ? "" : `${await why(from)}\n${await why(to)}`).toEqual(Array(REQUESTS).fill(200));
  });
});
