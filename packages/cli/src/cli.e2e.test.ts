// The CLI as a user runs it: `node bin/skypanel.js …` as a child process against a real platform
// (the BFF over a real engine on PGlite, real Nix builds, nspawn containers behind Caddy, as root gets by default), and
// the GitHub Action's entry point run the way a runner runs it. Every request to the app is
// counted; none is retried until it passes.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TEST_PG_ADMIN_URL } from "@skypanel/db/testing";
import { copyFixture } from "@skypanel/engine/build-testing";
import { type HerokuStandIn, startHerokuStandIn } from "@skypanel/engine/heroku-stand-in";
import { HEROKU_NOTES, notesOnHeroku } from "@skypanel/engine/imports-testing";
import { freePort, httpGet } from "@skypanel/engine/router-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, type TestBff } from "../../../apps/bff/src/testing.ts";

const CLI_ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const BIN = join(CLI_ROOT, "bin", "skypanel.js");
const ACTION = join(CLI_ROOT, "action", "index.js");
const EMAIL = "ops@example.com";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A child process, its output collected; async so the platform in this process keeps serving. */
function exec(command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string; input?: string }): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => {
      stdout += c;
    });
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
    // A command that exits without reading its input closes the pipe first: that EPIPE is no failure.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

describe("skypanel CLI end to end (a real platform: PGlite, Nix, nspawn, Caddy)", { timeout: 900_000 }, () => {
  let t: TestBff;
  let url = "";
  let httpPort = 0;
  let apiToken = "";
  const home = mkdtempSync(join(tmpdir(), "skypanel-cli-home-"));
  const source = copyFixture("node-greeting");
  // Only the machine's basics: no SKYPANEL_API_KEY or a real ~/.netrc can leak in.
  const env = () => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, SKYPANEL_URL: url });
  const sky = (args: string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}) =>
    exec(process.execPath, [BIN, ...args], { env: { ...env(), ...options.env }, cwd: options.cwd ?? home, input: options.input });
  // A Heroku app on the Heroku STAND-IN (Heroku is not reachable here), for migrate:*.
  const heroku = notesOnHeroku(join(home, "heroku"), TEST_PG_ADMIN_URL, "cli-heroku");
  let standIn: HerokuStandIn;
  const ok = (r: Run) => {
    expect(r.code, `exit ${r.code}\nstdout: ${r.stdout.slice(-3000)}\nstderr: ${r.stderr.slice(-3000)}`).toBe(0);
    return r;
  };
  /** `count` sequential requests through Caddy: the answers that were not 200 with `body`. */
  const misses = async (app: string, body: string, count = 20) => {
    const wrong: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await httpGet({ port: httpPort, host: `${app}.localhost`, path: "/" }).catch((err: Error) => ({
        status: 0,
        body: err.message,
      }));
      if (res.status !== 200 || res.body.trim() !== body) wrong.push(`${i}: ${res.status} ${res.body.slice(0, 80)}`);
    }
    return wrong;
  };

  beforeAll(async () => {
    httpPort = await freePort();
    standIn = await startHerokuStandIn(heroku.model);
    t = await createTestBff("pglite", {
      heroku: { apiUrl: standIn.url, dataApiUrl: standIn.dataUrl },
      addons: { postgresUrl: TEST_PG_ADMIN_URL, gatewayPorts: { postgresql: 15486, redis: 15487 } },
      builds: { concurrency: 2 },
      runtime: {
        mode: "nspawn",
        router: { httpPort, baseDomain: "localhost" },
        // Per test process: parallel test files never see each other's instances.
        cgroupParent: `spcli${process.pid}`,
        reconcileIntervalMs: 1000,
      },
    });
    await t.engine.start();
    await t.engine.users.createFirstAdmin({ email: EMAIL, password: "correct horse battery" });
    const session = await t.login(EMAIL);
    apiToken = (await t.rest("POST", "/api/tokens", { token: session, body: { name: "cli-e2e", scope: "admin" } })).body.token;
    url = await t.listen();
    // What a deploy must leave out, beside the app.
    writeFileSync(join(source, ".gitignore"), "node_modules/\nsecret.txt\n");
    writeFileSync(join(source, ".slugignore"), "notes/\n");
    writeFileSync(join(source, "secret.txt"), "not for the platform");
    mkdirSync(join(source, "notes"));
    writeFileSync(join(source, "notes", "todo.md"), "not for the slug");
    await exec("git", ["init", "-q"], { env: env(), cwd: source });
  });
  afterAll(async () => {
    await t?.engine.running?.shutdown();
    await t?.close();
    await standIn?.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(join(source, ".."), { recursive: true, force: true });
  });

  it("logs in with a token on stdin and keeps it in ~/.netrc (0600); whoami says who", async () => {
    writeFileSync(join(home, ".netrc"), "machine github.com login octo password ghp_keep\n", { mode: 0o600 });
    const login = ok(await sky(["login"], { input: `${apiToken}\n` }));
    expect(login.stdout).toContain(`Logged in as ${EMAIL}`);
    const netrc = readFileSync(join(home, ".netrc"), "utf8");
    expect(netrc).toBe(`machine github.com login octo password ghp_keep\nmachine 127.0.0.1\n  login ${EMAIL}\n  password ${apiToken}\n`);
    expect(statSync(join(home, ".netrc")).mode & 0o777).toBe(0o600);
    expect(ok(await sky(["auth:whoami"])).stdout).toBe(`${EMAIL}\n`);
    const bad = await sky(["login", "--token", "spt_not_a_real_token"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Error: /);
    expect(readFileSync(join(home, ".netrc"), "utf8")).toBe(netrc);
  });

  it("creates an app, points the repository's skypanel remote at it, and deploys the directory; every request gets 200", async () => {
    const created = JSON.parse(ok(await sky(["apps:create", "cli-e2e", "--json"])).stdout);
    expect(created).toMatchObject({ name: "cli-e2e", status: "idle" });
    expect(ok(await sky(["git:remote", "-a", "cli-e2e"], { cwd: source })).stdout).toBe(
      `Added git remote skypanel: ${url}/git/cli-e2e.git\n`,
    );

    // No -a: the app comes from the skypanel remote.
    const deploy = ok(await sky(["deploy"], { cwd: source }));
    expect(deploy.stderr).toMatch(/Packed \d+ files/);
    expect(deploy.stderr).toContain("Build #1 succeeded");
    expect(deploy.stdout.split("\n").length, "the build log is streamed to stdout").toBeGreaterThan(5);
    const appUrl = `http://cli-e2e.localhost:${httpPort}/`;
    expect(deploy.stderr).toContain(`Deployed cli-e2e v1 at ${appUrl}`);
    expect(await misses("cli-e2e", "hello from node-greeting")).toEqual([]);
    // Not a terminal: open prints the URL instead of starting a browser.
    expect(ok(await sky(["open", "-a", "cli-e2e"])).stdout).toBe(`${appUrl}\n`);
    expect(JSON.parse(ok(await sky(["apps:info", "--json"], { cwd: source })).stdout)).toMatchObject({ name: "cli-e2e", url: appUrl });

    const apps = JSON.parse(ok(await sky(["apps", "--json"])).stdout);
    expect(apps.map((a: { name: string }) => a.name)).toEqual(["cli-e2e"]);
    const releases = JSON.parse(ok(await sky(["releases", "--json"], { cwd: source })).stdout);
    expect(releases.map((r: { version: number; kind: string }) => [r.version, r.kind])).toEqual([[1, "build"]]);
  });

  it("deploy --json names what the archive held: .git, .gitignore'd and .slugignore'd files are left out", async () => {
    const res = ok(await sky(["deploy", "--json", "--strategy", "blue_green"], { cwd: source }));
    const result = JSON.parse(res.stdout);
    expect(result.entries).toEqual(expect.arrayContaining(["package.json", "package-lock.json", "server.js", ".gitignore"]));
    for (const hidden of ["secret.txt", "notes", "notes/todo.md", ".git"]) expect(result.entries).not.toContain(hidden);
    expect(result.release.version).toBe(2);
    expect(result.deployment.status).toBe("succeeded");
    expect(await misses("cli-e2e", "hello from node-greeting")).toEqual([]);
  });

  it("config:set makes a release the app sees; config, config:get and --shell read it back", async () => {
    const set = ok(await sky(["config:set", "GREETING=hej", "-a", "cli-e2e"]));
    expect(set.stderr).toMatch(/Set GREETING on cli-e2e and rolled out\.\.\. done, v3/);
    expect(await misses("cli-e2e", "hello from node-greeting: hej")).toEqual([]);
    expect(ok(await sky(["config:get", "GREETING", "-a", "cli-e2e"])).stdout).toBe("hej\n");
    expect(ok(await sky(["config", "--shell", "-a", "cli-e2e"])).stdout).toBe("GREETING='hej'\n");
    expect(JSON.parse(ok(await sky(["config", "--json", "-a", "cli-e2e"])).stdout)).toEqual({ GREETING: "hej" });
  });

  it("ps:scale web=2 sets the formation, ps:restart replaces the instances; logs --num 20 shows the app's lines", async () => {
    expect(ok(await sky(["ps:scale", "web=2", "-a", "cli-e2e"])).stdout).toBe("Scaled cli-e2e: web=2\n");
    expect(JSON.parse(ok(await sky(["ps", "--json", "-a", "cli-e2e"])).stdout).formation).toEqual({ web: 2 });
    expect(ok(await sky(["ps:restart", "-a", "cli-e2e"])).stderr).toMatch(/Restarted cli-e2e\n$/);
    const after = JSON.parse(ok(await sky(["ps", "--json", "-a", "cli-e2e"])).stdout).instances;
    expect(after.filter((i: { status: string }) => i.status === "running")).toHaveLength(2);
    const logs = ok(await sky(["logs", "--num", "20", "-a", "cli-e2e"]));
    const lines = logs.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(20);
    expect(logs.stdout).toMatch(/^\S+Z app\[web[^\]]*\]: listening on \d+$/m);
    const json = JSON.parse(ok(await sky(["logs", "--num", "5", "--since", "1h", "--json", "-a", "cli-e2e"])).stdout);
    expect(json.length).toBeLessThanOrEqual(5);
    expect(json[0]).toMatchObject({ line: expect.any(String), loggedAt: expect.any(String) });

    // --tail follows: the newest line arrives as one JSON object per line, and it keeps running.
    const tail = spawn(process.execPath, [BIN, "logs", "--tail", "--num", "1", "--json", "-a", "cli-e2e"], { env: env(), cwd: home });
    let followed = "";
    const first = await new Promise<string>((done) => {
      tail.stdout.on("data", (c) => {
        followed += c;
        if (followed.includes("\n")) done(followed.split("\n")[0] ?? "");
      });
      setTimeout(() => done(""), 15_000);
    });
    expect(tail.exitCode).toBeNull();
    tail.kill();
    expect(JSON.parse(first)).toMatchObject({ line: expect.any(String), loggedAt: expect.any(String) });
  });

  it("releases:rollback v1 makes v4 from v1 (its config too), and the app answers as v1 did", async () => {
    const back = ok(await sky(["releases:rollback", "v1", "-a", "cli-e2e"]));
    expect(back.stdout).toBe("Rolled back cli-e2e: v4 (Rollback to v1)\n");
    expect(await misses("cli-e2e", "hello from node-greeting")).toEqual([]);
    const releases = JSON.parse(ok(await sky(["releases", "--json", "-a", "cli-e2e"])).stdout);
    expect(releases.map((r: { version: number; kind: string }) => [r.version, r.kind])).toEqual([
      [4, "rollback"],
      [3, "config"],
      [2, "build"],
      [1, "build"],
    ]);
    expect(JSON.parse(ok(await sky(["releases:info", "v4", "--json", "-a", "cli-e2e"])).stdout)).toMatchObject({
      version: 4,
      description: "Rollback to v1",
    });
  });

  // ONE-OFF PROCESSES: the server side (POST /api/apps/:app/one-offs and its WebSocket attach) is
  // being written at the same time as this client; until it lands this step fails with the API's 404.
  it("run -- <command> attaches to a one-off process: its output here, its exit status 3", async () => {
    const run = await sky(["run", "-a", "cli-e2e", "--", "node", "-e", "console.log('one-off says hi'); process.exit(3)"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("one-off says hi");
    expect(run.code).toBe(3);
    const sh = await sky(["run", "-a", "cli-e2e", "sh -c 'exit 3'"]);
    expect(sh.code).toBe(3);
  });

  it("the GitHub Action, run as a runner runs it, deploys with the same module and writes its outputs", async () => {
    expect((await t.rest("POST", "/api/apps", { token: apiToken, body: { name: "cli-action" } })).status).toBe(201);
    const workspace = join(source, "..");
    const output = join(home, "github-output");
    writeFileSync(output, "");
    const actionEnv = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: output,
      INPUT_URL: url,
      "INPUT_API-KEY": apiToken,
      INPUT_APP: "cli-action",
      INPUT_PATH: "node-greeting",
      INPUT_STRATEGY: "rolling",
      INPUT_WAIT: "true",
    };
    const run = await exec(process.execPath, [ACTION], { env: actionEnv, cwd: workspace });
    expect(run.code, run.stdout.slice(-3000)).toBe(0);
    expect(run.stdout.split("\n")[0]).toBe(`::add-mask::${apiToken}`);
    expect(run.stdout).toContain("::group::Build log");
    const outputs = Object.fromEntries(
      readFileSync(output, "utf8")
        .trim()
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    expect(outputs.release).toBe("v1");
    expect(outputs.url).toBe(`http://cli-action.localhost:${httpPort}/`);
    expect(outputs["build-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(outputs).sort()).toEqual(["build-id", "release", "url"]);
    expect(await misses("cli-action", "hello from node-greeting")).toEqual([]);

    const failed = await exec(process.execPath, [ACTION], { env: { ...actionEnv, INPUT_APP: "no-such-app" }, cwd: workspace });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^::error::.*no-such-app/m);
  });

  it("migrate:plan, execute, verify and rollback move a Heroku app over and back, the token only in HEROKU_API_KEY", async () => {
    const withToken = { env: { HEROKU_API_KEY: heroku.token } };
    const plan = ok(await sky(["migrate:plan", "cli-heroku"], withToken));
    expect(plan.stdout).toContain("heroku-postgresql");
    for (const secret of [...heroku.secrets, heroku.token]) expect(plan.stdout + plan.stderr).not.toContain(secret);

    const run = ok(await sky(["migrate:execute", "cli-heroku", "--json"], withToken));
    const view = JSON.parse(run.stdout);
    expect(view).toMatchObject({ status: "succeeded", app: { name: "cli-heroku" }, url: `http://cli-heroku.localhost:${httpPort}/` });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await httpGet({ port: httpPort, host: "cli-heroku.localhost", path: "/" })).status);
    expect(statuses).toEqual(Array(20).fill(200));
    const notes = await httpGet({ port: httpPort, host: "cli-heroku.localhost", path: "/notes" });
    expect(JSON.parse(notes.body)).toEqual(HEROKU_NOTES);

    expect(ok(await sky(["migrate:verify", view.id])).stderr).toContain("Verified: cli-heroku");
    const refused = await sky(["migrate:rollback", view.id]);
    expect(refused.code).toBe(2);
    expect(ok(await sky(["migrate:rollback", view.id, "--confirm", "cli-heroku"])).stdout).toContain("cli-heroku is gone");
    expect((await t.rest("GET", "/api/apps/cli-heroku", { token: apiToken })).status).toBe(404);
  });

  it("apps:destroy refuses a wrong --confirm and deletes with the right one; logout forgets the token", async () => {
    const refused = await sky(["apps:destroy", "-a", "cli-e2e", "--confirm", "cli-e3e"]);
    expect(refused.code).toBe(1);
    expect((await t.rest("GET", "/api/apps/cli-e2e", { token: apiToken })).status).toBe(200);
    ok(await sky(["apps:destroy", "--confirm", "cli-e2e"], { cwd: source }));
    expect((await t.rest("GET", "/api/apps/cli-e2e", { token: apiToken })).status).toBe(404);
    ok(await sky(["apps:destroy", "-a", "cli-action", "--confirm", "cli-action"]));

    expect(ok(await sky(["logout"])).stdout).toBe("Logged out of 127.0.0.1\n");
    expect(readFileSync(join(home, ".netrc"), "utf8")).toBe("machine github.com login octo password ghp_keep\n");
    const after = await sky(["apps"]);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/skypanel login/);
  });
});
