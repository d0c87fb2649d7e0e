// Helpers for build tests: fixture apps as uploaded archives, waiting for builds, running artifacts.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Build } from "@skypanel/db";
import { afterAll, beforeAll } from "vitest";
import type { Actor } from "../actor.ts";
import { waitForDeployment } from "../deploy/testing.ts";
import type { Engine } from "../engine.ts";
import { freePort } from "../process/free-port.ts";
import { httpGet } from "../router/testing.ts";
import { createTestEngine, type TestEngine } from "../testing.ts";

export { freePort };

export const FIXTURES = fileURLToPath(new URL("../../fixtures/apps/", import.meta.url));

/** A copy of a fixture app that a test may change. */
export function copyFixture(name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "skypanel-fixture-")), name);
  cpSync(join(FIXTURES, name), dir, { recursive: true, filter: (src) => !src.includes("node_modules") });
  return dir;
}

/** A copy of a fixture no earlier run built (a nonce file of its own), so Nix really builds it, and logs it, instead of reusing a result. */
export function freshCopy(name: string): string {
  const dir = copyFixture(name);
  writeFileSync(join(dir, "nonce.txt"), `${Date.now()}-${Math.random()}`);
  return dir;
}

/**
 * A copy of a fixture with its package.json changed by `edit`, and a file only this copy has,
 * so Nix really builds it instead of reusing an earlier run's identical result.
 */
export function editedFixture(
  name: string,
  edit: (pkg: { scripts: Record<string, string>; dependencies: Record<string, string> }) => void,
): string {
  const dir = copyFixture(name);
  const file = join(dir, "package.json");
  const pkg = JSON.parse(readFileSync(file, "utf8"));
  edit(pkg);
  writeFileSync(file, JSON.stringify(pkg));
  writeFileSync(join(dir, "nonce.txt"), `${Date.now()}-${Math.random()}`);
  return dir;
}

/** Packs `dir` as a .tar.gz in the engine's incoming-uploads folder, as the API would. */
export function uploadDir(home: string, dir: string) {
  const uploads = join(home, "uploads");
  mkdirSync(uploads, { recursive: true });
  const uploadPath = join(uploads, `incoming-${randomUUID()}`);
  const tar = spawnSync("tar", ["-czf", uploadPath, "-C", dir, "."]);
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  return { type: "archive" as const, uploadPath, filename: "app.tar.gz", bytes: statSync(uploadPath).size };
}

const FINISHED = ["succeeded", "failed", "cancelled"];

/**
 * Waits for a build to finish: woken by the engine's `build.updated` events (so a benchmark sees
 * the finish as it happens, not at the next poll), and reading the row at least once a second.
 */
export async function waitForBuild(engine: Engine, actor: Actor, app: string, id: string, timeoutMs = 240_000): Promise<Build> {
  const until = Date.now() + timeoutMs;
  let wake: () => void = () => {};
  const unsubscribe = engine.bus.subscribe((e) => {
    if (e.type === "build.updated" && e.buildId === id && FINISHED.includes(e.status)) wake();
  });
  try {
    for (;;) {
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
      });
      const build = await engine.builds.get(actor, app, id);
      if (FINISHED.includes(build.status)) return build;
      if (Date.now() > until) throw new Error(`build ${id} still ${build.status} after ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([woken, new Promise((r) => (timer = setTimeout(r, 1000)))]);
      clearTimeout(timer);
    }
  } finally {
    unsubscribe();
  }
}

/** The PATH a process gets before the artifact's .skypanel/env adds to it. */
const BASE_PATH = "/usr/local/bin:/usr/bin:/bin";

/**
 * The environment the runtime gives a process of a built app: $PORT, HOME, and the variables
 * the buildpack listed in `$out/app/.skypanel/env` (NAME=value lines; "$PATH" in a value is
 * the PATH it would have otherwise).
 */
export function processEnv(storePath: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: BASE_PATH, PORT: String(port), HOME: "/tmp" };
  const file = join(storePath, "app", ".skypanel", "env");
  if (!existsSync(file)) return env;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const name = line.slice(0, eq);
    if (name !== "PORT") env[name] = line.slice(eq + 1).replaceAll("$PATH", BASE_PATH);
  }
  return env;
}

/** Starts one of a built app's process commands from its store path, as the runtime will (its proper piece is later). */
export function startProcess(storePath: string, command: string, port: number): ChildProcess {
  return spawn("sh", ["-c", command], {
    cwd: join(storePath, "app"),
    env: processEnv(storePath, port),
    stdio: "ignore",
    detached: true,
  });
}

/** Stops a process started by startProcess, with everything it started. */
export function stopProcess(child: ChildProcess) {
  try {
    if (child.pid) process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Starts a built app's web command from its store path and GETs `/`. */
export async function runAndGet(storePath: string, command: string): Promise<{ status: number; body: string }> {
  const port = await freePort();
  const child = startProcess(storePath, command, port);
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  try {
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/`).catch(() => null);
      if (res) return { status: res.status, body: await res.text() };
      if (exited) throw new Error(`the web command exited before answering: ${command}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the app never answered on port ${port}`);
  } finally {
    stopProcess(child);
  }
}

export function removeDir(dir: string) {
  rmSync(dir, { recursive: true, force: true });
}

export interface BuiltApp<P> {
  build: Build;
  plan: P;
  log: string;
  app: string;
  store: string;
}

/** What `count` sequential requests through Caddy got: status and body of each. */
export type Answers = { status: number; body: string }[];

/**
 * One engine for a build test file (made in beforeAll, closed in afterAll) and `build(dir)`,
 * which builds a source as a new app `<prefix>-N`, or as the next build of `existing`, with the
 * app `settings` (its root directory) changed first when given.
 * With `runtime: true` the engine also runs apps (nspawn, Caddy on a free port), and
 * `throughCaddy(built)` deploys a build and counts its answers the way a user's browser gets them.
 */
export function buildsOnOneEngine(prefix: string, email: string, options: { runtime?: boolean } = {}) {
  let t: TestEngine | null = null;
  let alice: Actor | null = null;
  let apps = 0;
  let httpPort = 0;
  beforeAll(async () => {
    httpPort = options.runtime ? await freePort() : 0;
    t = await createTestEngine("pglite", {
      builds: { concurrency: 2, timeoutMs: 5 * 60_000 },
      ...(options.runtime
        ? {
            runtime: {
              mode: "nspawn" as const,
              router: { httpPort, baseDomain: "localhost" },
              // Per test process: parallel test files never see each other's instances.
              cgroupParent: `spbuild${process.pid}`,
              reconcileIntervalMs: 1000,
              deploy: { healthTimeoutMs: 90_000, drainMs: 300 },
            },
          }
        : {}),
    });
    await t.engine.start();
    alice = await t.user(email);
  });
  afterAll(async () => {
    await t?.engine.running?.shutdown();
    await t?.close();
  });
  const ready = () => {
    if (!t || !alice) throw new Error("the engine is made in beforeAll");
    return { t, alice };
  };
  return {
    async build<P>(dir: string, existing?: string, settings?: { rootDirectory?: string | null }): Promise<BuiltApp<P>> {
      const { t, alice } = ready();
      const app = existing ?? `${prefix}-${++apps}`;
      if (!existing) await t.engine.apps.create(alice, { name: app });
      if (settings) await t.engine.apps.update(alice, app, settings);
      const queued = await t.engine.builds.create(alice, app, uploadDir(t.home, dir));
      const done = await waitForBuild(t.engine, alice, app, queued.id);
      const log = (await t.engine.builds.log(alice, app, done.id)).lines.map((l) => l.text).join("\n");
      return { build: done, plan: done.plan as unknown as P, log, app, store: done.storePath ?? "" };
    },

    /**
     * Deploys a succeeded build (nspawn container, health-checked, behind Caddy) and sends
     * `count` sequential requests to `path` at `<app>.localhost` through Caddy: every answer,
     * so a test asserts that all of them succeeded rather than waiting for one that does.
     */
    async throughCaddy(
      built: BuiltApp<unknown>,
      request: { path?: string; count?: number; headers?: Record<string, string> } = {},
    ): Promise<Answers> {
      const { t, alice } = ready();
      if (!options.runtime) throw new Error("throughCaddy needs buildsOnOneEngine(…, { runtime: true })");
      const queued = await t.engine.deployments.create(alice, built.app, { buildId: built.build.id });
      const deployment = await waitForDeployment(t.engine, alice, built.app, queued.id, 180_000);
      if (deployment.status !== "succeeded") {
        const logs = await t.engine.logs.query(alice, built.app, { tail: 40 }).then(
          (lines) => lines.map((l) => l.line).join("\n"),
          (err: Error) => err.message,
        );
        throw new Error(
          `deploying ${built.app} ended ${deployment.status}: ${deployment.error ?? ""}\n${JSON.stringify(deployment.steps)}\n${logs}`,
        );
      }
      const answers: Answers = [];
      for (let i = 0; i < (request.count ?? 50); i++) {
        const res = await httpGet({
          port: httpPort,
          host: `${built.app}.localhost`,
          path: request.path ?? "/",
          headers: request.headers,
        }).catch((err: Error) => ({
          status: 0,
          body: err.message,
        }));
        answers.push({ status: res.status, body: res.body });
      }
      return answers;
    },

    /** One more request through Caddy to a deployed app, with headers of the test's choosing. */
    request(built: BuiltApp<unknown>, path: string, headers: Record<string, string> = {}) {
      return httpGet({ port: httpPort, host: `${built.app}.localhost`, path, headers });
    },
  };
}

/** The answers that were not a 200 with `text` in the body (an empty list when all were). */
export const wrongAnswers = (answers: Answers, text: string | RegExp) =>
  answers
    .map((a, i) => ({ i, ...a }))
    .filter((a) => a.status !== 200 || !(typeof text === "string" ? a.body.includes(text) : text.test(a.body)))
    .map((a) => `${a.i}: ${a.status} ${a.body.slice(0, 120)}`);
