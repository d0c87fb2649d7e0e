// Every buildpack end to end against real Nix, npm's registry and PGlite: a fixture app is
// uploaded, built in the sandbox, and its process commands are run from the store path.
// Builds are queued together and run two at a time, as the engine's queue allows.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Build } from "@skypanel/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { createTestEngine, type TestEngine } from "../testing.ts";
import { copyFixture, freePort, processEnv, runAndGet, startProcess, stopProcess, uploadDir, waitForBuild } from "./testing.ts";

type Plan = { processes: Record<string, string>; release: string | null; packageManager: string; build: string | null };

describe("buildpacks (real Nix, PGlite)", { timeout: 300_000 }, () => {
  let t: TestEngine;
  let alice: Actor;
  let apps = 0;
  beforeAll(async () => {
    t = await createTestEngine("pglite", { builds: { concurrency: 2, timeoutMs: 5 * 60_000 } });
    await t.engine.start();
    alice = await t.user("packs@example.com");
  });
  afterAll(async () => {
    await t.close();
  });

  /** Builds a source directory as a new app; the build, its plan and its log. */
  async function build(dir: string): Promise<{ build: Build; plan: Plan; log: string; store: string }> {
    const app = `pack-${++apps}`;
    await t.engine.apps.create(alice, { name: app });
    const queued = await t.engine.builds.create(alice, app, uploadDir(t.home, dir));
    const done = await waitForBuild(t.engine, alice, app, queued.id);
    const log = (await t.engine.builds.log(alice, app, done.id)).lines.map((l) => l.text).join("\n");
    return { build: done, plan: done.plan as unknown as Plan, log, store: done.storePath ?? "" };
  }

  async function buildsAndAnswers(dir: string, body: RegExp) {
    const b = await build(dir);
    expect(b.build.status, b.log).toBe("succeeded");
    const web = b.plan.processes.web ?? "";
    const res = await runAndGet(b.store, web);
    expect(res.status, res.body).toBe(200);
    expect(res.body).toMatch(body);
    return b;
  }

  it.concurrent("node-yarn: yarn's layer, the app answers", async () => {
    const b = await buildsAndAnswers(copyFixture("node-yarn"), /hello from node-yarn/);
    expect(b.plan.packageManager).toBe("yarn");
    expect(b.log).toMatch(/yarn install --frozen-lockfile --ignore-scripts/);
  });

  it.concurrent("node-pnpm: pnpm's symlinked layer works from the store", async () => {
    const b = await buildsAndAnswers(copyFixture("node-pnpm"), /hello from node-pnpm/);
    expect(b.plan.packageManager).toBe("pnpm");
    expect(readFileSync(join(b.store, "app", "node_modules", ".modules.yaml"), "utf8")).not.toMatch(/skypanel-test-/);
  });

  it.concurrent("node-pnpm with a TypeScript build: a devDependency's .bin runs in the build, the release drops it", async () => {
    // node-typescript's app, installed with pnpm: its lockfile is made here (npm's registry).
    const dir = copyFixture("node-typescript");
    rmSync(join(dir, "package-lock.json"));
    const require = createRequire(import.meta.url);
    const pnpm = join(dirname(require.resolve("pnpm")), "bin", "pnpm.cjs");
    const lock = spawnSync("node", [pnpm, "install", "--lockfile-only", "--ignore-scripts"], { cwd: dir, encoding: "utf8" });
    expect(lock.status, lock.stderr).toBe(0);
    const b = await buildsAndAnswers(dir, /./);
    expect(b.plan).toMatchObject({ packageManager: "pnpm", build: "pnpm run build", processes: { web: "pnpm start" } });
    expect(existsSync(join(b.store, "app", "dist", "server.js"))).toBe(true);
    expect(existsSync(join(b.store, "app", "node_modules", "typescript"))).toBe(false);
  });

  it.concurrent("node-typescript: the build script compiles with tsc, dist/ runs", async () => {
    const b = await buildsAndAnswers(copyFixture("node-typescript"), /./);
    expect(b.plan.build).toBe("npm run build");
    expect(existsSync(join(b.store, "app", "dist", "server.js"))).toBe(true);
  });

  it.concurrent("python-flask: a venv of the requirements fetched from PyPI; gunicorn finds it through .skypanel/env", async () => {
    const b = await buildsAndAnswers(copyFixture("python-flask"), /hello from python-flask/);
    expect(b.plan.processes.web).toBe("gunicorn app:app --bind 0.0.0.0:$PORT");
    expect(processEnv(b.store, 1).PATH).toMatch(new RegExp(`^${b.store}/venv/bin:`));
    // The venv is its own store path (python-venv), linked from the release.
    expect(readFileSync(join(b.store, "venv", "bin", "gunicorn"), "utf8")).toMatch(
      /^#!\/nix\/store\/[a-z0-9]{32}-python-venv\/bin\/python3/,
    );
  });

  it.concurrent("python-pipenv: the Pipfile's [packages] ranges resolved the same way, without a Pipfile.lock", async () => {
    const b = await buildsAndAnswers(copyFixture("python-pipenv"), /hello from python-pipenv/);
    expect(b.plan.packageManager).toBe("pipenv");
  });

  it.concurrent("go-stdlib: go build offline, the binary answers", async () => {
    const b = await buildsAndAnswers(copyFixture("go-stdlib"), /hello from go-stdlib/);
    expect(b.plan.processes.web).toBe("./bin/go-stdlib");
  });

  it.concurrent('go-cgo: a main package that imports "C" builds with the platform\'s gcc, and says so', async () => {
    const b = await buildsAndAnswers(copyFixture("go-cgo"), /hello from go-cgo: C says 41/);
    expect((b.build.plan as { reasons: { topic: string; reason: string }[] }).reasons).toContainEqual({
      topic: "cgo",
      reason: expect.stringMatching(/^main\.go imports "C": built with cgo on the platform's gcc/),
    });
  });

  it.concurrent("static-site: public/ served by SkyPanel's file server with the right content types", async () => {
    const b = await build(copyFixture("static-site"));
    expect(b.build.status, b.log).toBe("succeeded");
    expect(b.plan.processes.web).toBe("node .skypanel/static-server.mjs public");
    expect(existsSync(join(b.store, "app", "public", "index.html"))).toBe(true);
    expect(existsSync(join(b.store, "app", "README.md"))).toBe(false);
    const port = await freePort();
    const child = startProcess(b.store, b.plan.processes.web ?? "", port);
    try {
      const get = async (path: string) => {
        for (let i = 0; i < 50; i++) {
          const res = await fetch(`http://127.0.0.1:${port}${path}`).catch(() => null);
          if (res) return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error("the static server never answered");
      };
      expect(await get("/")).toMatchObject({
        status: 200,
        type: "text/html; charset=utf-8",
        body: expect.stringMatching(/hello from static-site/),
      });
      expect(await get("/style.css")).toMatchObject({ status: 200, type: "text/css; charset=utf-8" });
      // A path that climbs out of the site to a file that exists: never served.
      const climb = await new Promise<number>((resolve, reject) =>
        httpGet({ host: "127.0.0.1", port, path: `/${"..%2f".repeat(12)}etc%2fpasswd` }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on("error", reject),
      );
      expect(climb).toBe(404);
      expect((await get("/.skypanel/static-server.mjs")).status).toBe(404);
    } finally {
      stopProcess(child);
    }
  });

  it.concurrent("dockerfile-node: the Dockerfile's npm ci uses the fetched layer; its ENV reaches the app", async () => {
    const b = await buildsAndAnswers(copyFixture("dockerfile-node"), /hello from dockerfile-node \(production\)/);
    expect(b.plan).toMatchObject({ packageManager: "npm", processes: { web: "node server.js" } });
    expect(b.log).toMatch(/npm ci --ignore-scripts/);
  });

  it.concurrent("a Dockerfile's npm ci --omit=dev: dependencies from the fetched layer, devDependencies dropped", async () => {
    const dir = copyFixture("dockerfile-node");
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ ...pkg, dependencies: { ms: "2.1.3" }, devDependencies: { "escape-html": "1.0.3" } }),
    );
    writeFileSync(
      join(dir, "server.js"),
      readFileSync(join(dir, "server.js"), "utf8").replace("hello from", `\${require("ms")(60000)} hello from`),
    );
    const lock = spawnSync("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(lock.status, lock.stderr).toBe(0);
    const b = await buildsAndAnswers(dir, /^1m hello from dockerfile-node/);
    expect(existsSync(join(b.store, "app", "node_modules", "ms", "package.json"))).toBe(true);
    expect(existsSync(join(b.store, "app", "node_modules", "escape-html"))).toBe(false);
  });

  it.concurrent("a Dockerfile FROM python: pip install -r into the app's venv, WORKDIR and ENV paths mapped", async () => {
    const dir = copyFixture("python-flask");
    writeFileSync(
      join(dir, "Dockerfile"),
      [
        "ARG PY=3.11",
        "FROM python:$PY-slim",
        "ENV APP_HOME=/srv/app PYTHONUNBUFFERED=1",
        "WORKDIR $APP_HOME",
        "COPY requirements.txt .",
        "RUN pip install --no-cache-dir -r requirements.txt",
        "COPY . .",
        "RUN test -f $APP_HOME/app.py && python -c 'import flask' && echo built > /srv/app/marker",
        "CMD gunicorn app:app --bind 0.0.0.0:$PORT",
        "",
      ].join("\n"),
    );
    const b = await buildsAndAnswers(dir, /hello from python-flask/);
    expect(readFileSync(join(b.store, "app", "marker"), "utf8")).toBe("built\n");
    expect(processEnv(b.store, 1)).toMatchObject({ APP_HOME: join(b.store, "app"), PATH: expect.stringMatching(/\/venv\/bin:/) });
  });

  it.concurrent("a multi-stage Dockerfile FROM golang: the binary COPY --from the build stage answers", async () => {
    const dir = copyFixture("go-stdlib");
    writeFileSync(
      join(dir, "Dockerfile"),
      [
        "FROM golang:1.19 AS build",
        "WORKDIR /src",
        "COPY go.mod ./",
        "RUN go mod download",
        "COPY *.go ./",
        "RUN go build -o /src/out/server .",
        "FROM golang:1.19",
        "WORKDIR /app",
        "COPY --from=build /src/out/server ./server",
        'CMD ["/app/server"]',
        "",
      ].join("\n"),
    );
    const b = await buildsAndAnswers(dir, /hello from go-stdlib/);
    expect(b.plan.processes.web).toBe("./server");
    expect(existsSync(join(b.store, "app", "main.go"))).toBe(false);
  });

  it.concurrent("procfile-web-worker: web answers, the worker keeps running, release is recorded and runs", async () => {
    const b = await buildsAndAnswers(copyFixture("procfile-web-worker"), /hello from procfile-web-worker/);
    expect(b.plan.processes).toEqual({ web: "node web.js", worker: "node worker.js --interval 5000" });
    expect(b.plan.release).toBe("node release.js");
    const worker = startProcess(b.store, b.plan.processes.worker ?? "", await freePort());
    let exited: number | null = null;
    worker.on("exit", (code) => {
      exited = code ?? -1;
    });
    await new Promise((r) => setTimeout(r, 1000));
    stopProcess(worker);
    expect(exited).toBe(null);
    const release = spawnSync("sh", ["-c", b.plan.release ?? ""], {
      cwd: join(b.store, "app"),
      env: processEnv(b.store, 0),
      encoding: "utf8",
    });
    expect(release.status).toBe(0);
    expect(release.stdout).toMatch(/release: nothing to migrate/);
  });

  it.concurrent("fails a Go module that requires modules without a go.sum, before downloading them", async () => {
    const dir = copyFixture("go-stdlib");
    writeFileSync(join(dir, "go.mod"), "module example.com/go-deps\n\ngo 1.19\n\nrequire github.com/google/uuid v1.6.0\n");
    const b = await build(dir);
    expect(b.build.status).toBe("failed");
    expect(b.build.stages.find((s) => s.name === "dependencies")?.status).toBe("failed");
    expect(b.build.error).toMatch(/github\.com\/google\/uuid/);
    expect(b.build.error).toMatch(/no go\.sum .*Run 'go mod tidy' and commit go\.sum/);
  });

  it.concurrent("fails a Dockerfile alone FROM an image it has no toolchain for, naming the image", async () => {
    const dir = copyFixture("dockerfile-node");
    // With package.json beside it, the Dockerfile would be set aside for Node.js (go-deps.test.ts).
    for (const f of ["package.json", "package-lock.json"]) rmSync(join(dir, f));
    const dockerfile = join(dir, "Dockerfile");
    writeFileSync(dockerfile, readFileSync(dockerfile, "utf8").replace("FROM node:20-slim", "FROM ruby:3.3-slim"));
    const b = await build(dir);
    expect(b.build.status).toBe("failed");
    expect(b.build.stages.find((s) => s.name === "detect")?.status).toBe("failed");
    expect(b.build.error).toMatch(/FROM ruby:3\.3-slim/);
    expect(b.build.error).toMatch(/node:\*, python:\* or golang:\*/);
  });
});
