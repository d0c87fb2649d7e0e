// The README's first page, the way a new user arrives: a clone of this commit in a fresh 0700
// folder (as root's home is), `bash scripts/up.sh` with no add-on settings, then an Express app
// with a lockfile uploaded, built, deployed and answering through Caddy, and a PostgreSQL add-on
// the app writes a row to. Then a second platform on the same ports is refused, and the first is
// stopped and started again with the same home. Every request is counted; none is retried until
// it passes.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, httpGet } from "@skypanel/engine/router-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archive, asSuperuser, multipart, type Platform, startPlatform, stopPlatform } from "./platform-process.testing.ts";

const REPO = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const FIXTURE = join(REPO, "packages/engine/fixtures/apps/node-express-postgres");
const ADMIN = { email: "first@example.com", password: "correct horse battery" };
// Gateway ports of this platform's own, so it never meets another test's platform on 15432/15479.
const GATEWAY = { postgresql: 15480, redis: 15481 };

describe("first run: a fresh clone in a 0700 folder, the README's up.sh, an Express app and its PostgreSQL add-on", {
  timeout: 900_000,
}, () => {
  const parent = mkdtempSync(join(tmpdir(), "skypanel-first-run-home-"));
  chmodSync(parent, 0o700);
  const clone = join(parent, "skypanel");
  const home = join(clone, ".skypanel");
  let platform: Platform | null = null;
  /** Whether the running platform stops its apps and Caddy when stopped (only the last one does). */
  let stopsApps = false;
  let env: NodeJS.ProcessEnv = {};
  let api = "";
  let httpPort = 0;
  let token = "";
  let addonResource = "";

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  /** Polls an API resource until `done` says it finished, for at most `timeoutMs`. */
  const until = async <T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline)
        throw new Error(`${what} did not finish in ${timeoutMs / 1000} s: ${JSON.stringify(value)}\n${platform?.output().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  const app = (path = "/") => httpGet({ port: httpPort, host: "first-app.localhost", path });
  /** `count` sequential requests to the app through Caddy: the answers that were not its 200. */
  const misses = async (count: number) => {
    const wrong: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await app("/").catch((err: Error) => ({ status: 0, body: err.message }));
      if (res.status !== 200 || res.body !== "Hello from Express and SkyPanel") wrong.push(`${i}: ${res.status} ${res.body.slice(0, 80)}`);
    }
    return wrong;
  };
  const expectAllServed = async (count: number) => {
    const wrong = await misses(count);
    // What the platform (when one runs) says of the app's instances, to tell why they missed.
    const instances = wrong.length && platform ? await call("GET", "/api/apps/first-app/instances").catch((e: Error) => e.message) : "";
    expect(
      wrong.length,
      `${wrong.length} of ${count} missed, first: ${wrong.slice(0, 5).join(" | ")}, last: ${wrong.at(-1)}\ninstances: ${JSON.stringify(instances)}\n${platform?.output().slice(-2000) ?? ""}`,
    ).toBe(0);
  };
  const healthy = (p: Platform, what: string) =>
    until(
      what,
      async () => {
        if (p.child.exitCode !== null) throw new Error(`${what}: exited with ${p.child.exitCode}:\n${p.output()}`);
        return fetch(`${api}/healthz`).then(
          (r) => r.status,
          () => 0,
        );
      },
      (status) => status === 200,
      600_000,
    );

  beforeAll(async () => {
    execFileSync("git", ["clone", "--quiet", REPO, clone]);
    const port = await freePort();
    httpPort = await freePort();
    api = `http://127.0.0.1:${port}`;
    // The machine's environment, less anything that would name add-on servers or a database.
    for (const [k, v] of Object.entries(process.env)) if (!/^(SKYPANEL_|DATABASE_URL$|VITEST|NODE_ENV$)/.test(k)) env[k] = v;
    env = {
      ...env,
      SKYPANEL_PORT: String(port),
      SKYPANEL_HTTP_PORT: String(httpPort),
      SKYPANEL_HTTPS_PORT: String(await freePort()),
      SKYPANEL_ADMIN_EMAIL: ADMIN.email,
      SKYPANEL_ADMIN_PASSWORD: ADMIN.password,
      SKYPANEL_ADDON_POSTGRES_GATEWAY_PORT: String(GATEWAY.postgresql),
      SKYPANEL_ADDON_REDIS_GATEWAY_PORT: String(GATEWAY.redis),
    };
    // As the README says; npm ci and the dashboard's build come first, as for a user.
    platform = startPlatform(clone, ["bash", "scripts/up.sh"], env);
    await healthy(platform, "the platform's start");
    const login = await fetch(`${api}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ADMIN),
    });
    expect(login.status).toBe(200);
    token = ((await login.json()) as { token: string }).token;
  });

  afterAll(async () => {
    const credentials = join(home, "keys", "local-addon-servers.json");
    const role = existsSync(credentials) ? (JSON.parse(readFileSync(credentials, "utf8")) as { role: string }).role : null;
    await stopPlatform(platform);
    if (!stopsApps && existsSync(join(clone, "node_modules"))) {
      // A test failed before the last start: start once more only to stop the apps and Caddy with it.
      const last = startPlatform(clone, ["npm", "start"], { ...env, SKYPANEL_STOP_APPS_ON_EXIT: "1" });
      await healthy(last, "the clean-up start").catch(() => {});
      await stopPlatform(last);
    }
    if (addonResource) asSuperuser(`DROP DATABASE IF EXISTS "${addonResource}" WITH (FORCE)`);
    // The platform's own role and Redis user on this machine's servers.
    if (role) {
      if (addonResource) asSuperuser(`DROP ROLE IF EXISTS "${addonResource}"`);
      asSuperuser(`DROP ROLE IF EXISTS ${role}`);
      spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", "6379", "ACL", "DELUSER", role]);
    }
    rmSync(parent, { recursive: true, force: true });
  });

  it("builds and deploys the app, which answers through Caddy and keeps a row in its PostgreSQL add-on", async () => {
    const output = platform?.output() ?? "";
    expect(output).toMatch(/build work folder \/var\/lib\/skypanel\/work\/[0-9a-f]{16} \(.*skypanel-first-run-home-.* is closed/);
    expect(output).toMatch(/PostgreSQL add-ons on this machine's server/);
    expect((await call("POST", "/api/apps", { name: "first-app" })).status).toBe(201);

    const { body, contentType } = multipart(archive(FIXTURE), "app.tar.gz");
    const uploaded = await fetch(`${api}/api/apps/first-app/builds`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": contentType },
      body,
    });
    expect(uploaded.status).toBe(202);
    const buildId = ((await uploaded.json()) as { id: string }).id;
    const build = await until(
      "the build",
      async () => (await call("GET", `/api/apps/first-app/builds/${buildId}`)).body,
      (b) => !["queued", "running"].includes(b.status),
      600_000,
    );
    const log = build.status === "succeeded" ? "" : JSON.stringify((await call("GET", `/api/apps/first-app/builds/${buildId}/log`)).body);
    expect(build.status, log).toBe("succeeded");
    expect(build.plan).toMatchObject({ stack: "nodejs", framework: "express", install: "npm ci" });

    const deploy = await call("POST", "/api/apps/first-app/deployments", { buildId });
    expect(deploy.status).toBe(202);
    const deployed = await until(
      "the deployment",
      async () => (await call("GET", `/api/apps/first-app/deployments/${deploy.body.id}`)).body,
      (d) => !["queued", "pending", "running"].includes(d.status),
      300_000,
    );
    expect(deployed.status, JSON.stringify(deployed)).toBe("succeeded");
    // Deployed means routed: every one of these answers from the app, none from a stale router.
    await expectAllServed(50);
    expect((await app("/notes")).status).toBe(503);

    // No add-on settings were given: the platform's own role on this machine's PostgreSQL makes it.
    const addon = await call("POST", "/api/apps/first-app/addons", { type: "postgresql" });
    expect(addon.status, JSON.stringify(addon.body)).toBe(201);
    addonResource = addon.body.resource;
    const rollout = await until(
      "the config release that brings DATABASE_URL",
      async () => (await call("GET", "/api/apps/first-app/deployments")).body.deployments[0],
      (d: { id: string; status: string }) => d.id !== deploy.body.id && !["queued", "pending", "running"].includes(d.status),
      300_000,
    );
    expect(rollout.status, JSON.stringify(rollout)).toBe("succeeded");
    expect(await app("/notes/add?body=first%20order")).toMatchObject({ status: 201 });
    expect(await app("/notes")).toMatchObject({ status: 200, body: '["first order"]' });
    // The row is in the add-on's own database on the machine's server.
    const inAddon = spawnSync(
      "runuser",
      ["-u", "postgres", "--", "psql", "-X", "-At", "-d", addonResource, "-c", "SELECT string_agg(body, ',') FROM notes"],
      { cwd: "/", encoding: "utf8" },
    );
    expect(inAddon.stdout.trim()).toBe("first order");
  });

  it("a second platform pointed at the same ports exits non-zero, naming the Caddy that holds them and its home", async () => {
    const otherHome = join(parent, "other-home");
    const second = startPlatform(clone, ["npm", "start"], {
      ...env,
      SKYPANEL_HOME: otherHome,
      SKYPANEL_PORT: String(await freePort()),
      SKYPANEL_STOP_APPS_ON_EXIT: "1",
    });
    const code = await Promise.race([second.exited, new Promise<"still running">((r) => setTimeout(() => r("still running"), 180_000))]);
    if (code === "still running") await stopPlatform(second);
    expect(code, second.output()).not.toBe(0);
    expect(code, second.output()).not.toBe("still running");
    const caddyPid = readFileSync(join(home, "run", "caddy.pid"), "utf8").trim();
    expect(second.output()).toContain(`:${httpPort}`);
    expect(second.output()).toContain(`pid ${caddyPid}`);
    expect(second.output()).toContain(home);
    // The first platform's app never noticed.
    await expectAllServed(100);
  });

  it("keeps serving while the platform is stopped, and after a start with the same home answers every request", async () => {
    await stopPlatform(platform);
    platform = null;
    // Apps and Caddy keep serving without the control plane.
    await expectAllServed(100);
    platform = startPlatform(clone, ["bash", "scripts/up.sh"], { ...env, SKYPANEL_STOP_APPS_ON_EXIT: "1" });
    stopsApps = true;
    await healthy(platform, "the restart");
    await expectAllServed(500);
    expect(await app("/notes")).toMatchObject({ status: 200, body: '["first order"]' });

    // Deleting the app takes its add-on's database with it.
    expect((await call("DELETE", "/api/apps/first-app")).status).toBe(200);
    expect(asSuperuser(`SELECT count(*) FROM pg_database WHERE datname = '${addonResource}'`).stdout.trim()).toBe("0");
    addonResource = "";
  });
});
