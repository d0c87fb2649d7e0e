// Python builds against real Nix, the real package index (PyPI, or the mirror PIP_INDEX_URL
// names) and PGlite: the dependency layer fetched by `pip download` from requirements.txt
// ranges and from uv.lock, poetry.lock, pdm.lock and Pipfile.lock pins, installed offline in the
// sandbox; a warm rebuild on the same layer; an sdist built in the sandbox; and the ways a fetch
// fails, named for the user.
import { readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Build } from "@skypanel/db";
import { describe, expect, it } from "vitest";
import { buildsOnOneEngine, copyFixture, processEnv, runAndGet, wrongAnswers } from "./testing.ts";

type Plan = { processes: Record<string, string>; packageManager: string; lockfiles: string[]; build: string | null };

describe("Python dependencies from the package index (real Nix, real PyPI, PGlite)", { timeout: 300_000 }, () => {
  const builds = buildsOnOneEngine("py", "pythonista@example.com", { runtime: true });
  const build = (dir: string, existing?: string) => builds.build<Plan>(dir, existing);

  async function answers(b: { build: Build; plan: Plan; log: string; store: string }) {
    expect(b.build.status, b.log).toBe("succeeded");
    const res = await runAndGet(b.store, b.plan.processes.web ?? "");
    expect(res.status, res.body).toBe(200);
    return res;
  }

  /** Deployed as a user's app is (a container behind Caddy): every one of 30 requests answered `text`. */
  async function served(b: { build: Build; log: string } & Parameters<typeof builds.throughCaddy>[0], text: string | RegExp) {
    expect(b.build.status, b.log).toBe("succeeded");
    const all = await builds.throughCaddy(b, { count: 30 });
    expect(wrongAnswers(all, text)).toEqual([]);
    return all[0] as { status: number; body: string };
  }

  // The first Django build; the warm rebuild waits for it and builds the same app again.
  let django: ReturnType<typeof build> | null = null;
  const firstDjango = () => {
    django ??= build(copyFixture("python-django-gettingstarted"));
    return django;
  };

  it.concurrent("python-django-gettingstarted: ranges resolved on PyPI, collectstatic at build, gunicorn serves / with hashed static files", async () => {
    const b = await firstDjango();
    const res = await served(b, /Getting Started with Python on SkyPanel/);
    // WhiteNoise's manifest storage names the file by its hash: only collectstatic writes that.
    expect(res.body).toMatch(/href="\/static\/hello\.[0-9a-f]{12}\.css"/);
    expect(b.plan).toMatchObject({ processes: { web: "gunicorn gettingstarted.wsgi" }, build: "python manage.py collectstatic --noinput" });
    expect(b.log).toMatch(/pip download: requirements\.txt's requirements from \S+/);
    expect(b.build.cacheHit).toBe(false);
    expect(processEnv(b.store, 1).PATH).toMatch(new RegExp(`^${b.store}/venv/bin:`));
    const launcher = readFileSync(join(b.store, "venv", "bin", "gunicorn"), "utf8");
    expect(launcher).toMatch(/^#!\/nix\/store\/[a-z0-9]{32}-python-venv\/bin\/python3/);
    // The venv sees only the layer (Django 5.2 from PyPI), never the platform's python3-* packages.
    expect(readFileSync(join(b.store, "venv", "pyvenv.cfg"), "utf8")).toMatch(/include-system-site-packages = false/);
    const [python] = readdirSync(join(b.store, "venv", "lib"));
    expect(readdirSync(join(b.store, "venv", "lib", python ?? "", "site-packages"))).toContainEqual(
      expect.stringMatching(/^django-5\.2\.\d+\.dist-info$/),
    );
  });

  it.concurrent("a source-only change rebuilds on the same dependency layer (cache hit) and venv", async () => {
    const first = await firstDjango();
    expect(first.build.status, first.log).toBe("succeeded");
    const dir = copyFixture("python-django-gettingstarted");
    const page = join(dir, "hello", "templates", "index.html");
    writeFileSync(page, readFileSync(page, "utf8").replace("Getting Started with Python", "Warm rebuild of Python"));
    const b = await build(dir, first.app);
    const res = await answers(b);
    expect(res.body).toMatch(/Warm rebuild of Python on SkyPanel/);
    expect(b.build.cacheHit).toBe(true);
    expect(b.build.cacheKey).toBe(first.build.cacheKey);
    // Nix reuses the venv built from that layer: only the app step ran again.
    expect(realpathSync(join(b.store, "venv"))).toBe(realpathSync(join(first.store, "venv")));
    expect(b.log).toMatch(/dependency layer: cache hit/);
    expect(b.log).not.toMatch(/pip install: \d+ packages/);
  });

  // The first build of a fixture, shared by the test of its build and the test of its warm rebuild.
  const firsts = new Map<string, ReturnType<typeof build>>();
  const firstBuild = (name: string) => {
    if (!firsts.has(name)) firsts.set(name, build(copyFixture(name)));
    return firsts.get(name) as ReturnType<typeof build>;
  };

  it.concurrent("python-fastapi-uv: uv.lock's pins and hashes, uvicorn[standard]'s extras, no dev group", async () => {
    const b = await firstBuild("python-fastapi-uv");
    const res = await served(b, "python-fastapi-uv");
    expect(JSON.parse(res.body)).toEqual({ hello: "python-fastapi-uv" });
    expect(b.plan.lockfiles).toEqual(["pyproject.toml", "uv.lock"]);
    expect(b.log).toMatch(/pip download: uv\.lock's requirements/);
    const lock = readFileSync(join(copyFixture("python-fastapi-uv"), "uv.lock"), "utf8");
    const locked = (name: string) => new RegExp(`name = "${name}"\\nversion = "([^"]+)"`).exec(lock)?.[1];
    expect(b.log).toContain(`fastapi==${locked("fastapi")}`);
    expect(b.log).toContain(`uvloop==${locked("uvloop")}`);
    expect(b.log).not.toMatch(/pytest/);
  });

  it.concurrent("python-poetry: poetry.lock's main group only, Flask served by gunicorn", async () => {
    const b = await firstBuild("python-poetry");
    const res = await served(b, "hello from python-poetry");
    expect(res.body).toBe("hello from python-poetry\n");
    expect(b.plan).toMatchObject({ packageManager: "poetry", lockfiles: ["pyproject.toml", "poetry.lock"] });
    expect(b.log).toMatch(/pip download: poetry\.lock's requirements/);
    expect(b.log).not.toMatch(/pytest/);
  });

  it.concurrent.each([
    ["python-fastapi-uv", "main.py"],
    ["python-poetry", "app.py"],
  ])("%s: a source-only change (%s) rebuilds on the same dependency layer (cache hit)", async (name, file) => {
    const first = await firstBuild(name);
    expect(first.build.status, first.log).toBe("succeeded");
    const dir = copyFixture(name);
    writeFileSync(join(dir, file), `${readFileSync(join(dir, file), "utf8")}\n# a source-only change\n`);
    const b = await build(dir, first.app);
    expect(b.build.status, b.log).toBe("succeeded");
    expect(b.build.cacheHit).toBe(true);
    expect(b.build.cacheKey).toBe(first.build.cacheKey);
    expect(b.log).toMatch(/dependency layer: cache hit/);
  });

  it.concurrent.each([
    ["python-pdm", "pdm.lock"],
    ["python-pipenv-locked", "Pipfile.lock"],
  ])("%s: %s's default group, pinned and hashed", async (name, lock) => {
    const b = await build(copyFixture(name));
    const res = await answers(b);
    expect(res.body).toBe(`hello from ${name}\n`);
    expect(b.log).toContain(`pip download: ${lock}'s requirements`);
    expect(b.log).not.toMatch(/pytest/);
  });

  // No framework and no dependencies (nothing to fetch, so they cost CI little): the entry found in the source serves.
  it.concurrent.each([
    ["python-main-py", "python main.py"],
    ["python-project-scripts", "python-project-scripts"],
  ])("%s: started as `%s`, served through Caddy", async (name, web) => {
    const b = await build(copyFixture(name));
    expect(b.plan.processes).toEqual({ web });
    await served(b, `hello from ${name}\n`);
    if (name === "python-project-scripts") {
      // A launcher for the console script, which puts src/ on the path: the app itself is not installed.
      // Read from the artifact, not the log: an earlier run's identical build is reused by Nix, silently.
      expect(readFileSync(join(b.store, "app", ".skypanel", "bin", "python-project-scripts"), "utf8")).toMatch(
        /from greeter\.server import main/,
      );
      expect(processEnv(b.store, 1).PATH).toMatch(new RegExp(`^${b.store}/app/\\.skypanel/bin:${b.store}/venv/bin:`));
    }
  });

  it.concurrent("a requirement with only a source distribution is built into a wheel in the sandbox, offline", async () => {
    const dir = copyFixture("python-flask");
    // docopt 0.6.2 (2014) has no wheel: a setup.py, built with setuptools fetched beside it.
    writeFileSync(join(dir, "requirements.txt"), `${readFileSync(join(dir, "requirements.txt"), "utf8")}docopt==0.6.2\n`);
    writeFileSync(
      join(dir, "app.py"),
      readFileSync(join(dir, "app.py"), "utf8").replace("from flask import Flask", "import docopt\nfrom flask import Flask"),
    );
    const b = await build(dir);
    const res = await answers(b);
    expect(res.body).toBe("hello from python-flask\n");
    expect(b.log).toMatch(/source distributions, built in the sandbox: docopt-0\.6\.2\.tar\.gz/);
  });

  it.concurrent("fails a requirement that does not exist on the index, naming it", async () => {
    const dir = copyFixture("python-flask");
    writeFileSync(join(dir, "requirements.txt"), `${readFileSync(join(dir, "requirements.txt"), "utf8")}skypanel-no-such-dist>=1.0\n`);
    const b = await build(dir);
    expect(b.build.status).toBe("failed");
    expect(b.build.stages.find((s) => s.name === "dependencies")?.status).toBe("failed");
    expect(b.build.error).toMatch(
      /^requirements\.txt: the Python requirement "skypanel-no-such-dist>=1\.0" cannot be installed: .* has no release of it/,
    );
  });

  it.concurrent("fails a lockfile whose hash does not match the download, naming the package", async () => {
    const dir = copyFixture("python-poetry");
    const file = join(dir, "poetry.lock");
    const lock = readFileSync(file, "utf8");
    // Every file of blinker gets another hash, as if the lock were edited or the index changed.
    const blinker = /\[\[package\]\]\nname = "blinker"[\s\S]*?\n\n/.exec(lock)?.[0] ?? "";
    expect(blinker).toMatch(/hash = "sha256:/);
    writeFileSync(file, lock.replace(blinker, blinker.replace(/sha256:[0-9a-f]{64}/g, `sha256:${"0".repeat(64)}`)));
    const b = await build(dir);
    expect(b.build.status).toBe("failed");
    expect(b.build.stages.find((s) => s.name === "dependencies")?.status).toBe("failed");
    expect(b.build.error).toMatch(
      /^poetry\.lock: the download of blinker==[\d.]+ does not match the hash in poetry\.lock \(expected sha256:0{64}, got sha256:[0-9a-f]{64}\)/,
    );
  });
});
