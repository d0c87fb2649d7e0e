// Cold and warm builds of Heroku-shaped Django and gin apps, each beside the raw command the
// build wraps (`pip install -r requirements.txt`, `go build`), measured in one run on this
// machine. Every run gets a fresh SKYPANEL_HOME (so empty pip and Go download caches) and a
// requirements.txt / go.mod comment of its own (so a new dependency-layer key); the raw
// commands run with the same /usr/bin toolchains the sandboxed builds use.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES } from "@skypanel/engine/build-testing";
import { benchBuildEngine } from "./build-engine.ts";
import type { BuildRow } from "./builds.bench.ts";

const RUNS = Number(process.env.BENCH_STACK_RUNS ?? 3);

interface Stack {
  name: string;
  fixture: string;
  /** The file whose comment makes a new dependency-layer key. */
  keyFile: string;
  comment: (tag: string) => string;
  /** The source file a warm build changes. */
  sourceFile: string;
  /** The raw command, cold (empty caches in `scratch`) or warm (the same caches again). */
  raw: (dir: string, scratch: string) => void;
  rawName: { cold: string; warm: string };
}

// The raw commands see none of this machine's pip settings (PIP_FIND_LINKS…), as builds don't.
const cleanEnv = (extra: Record<string, string>) => ({ PATH: "/usr/bin:/bin", HOME: extra.HOME ?? tmpdir(), ...extra });

const STACKS: Stack[] = [
  {
    name: "Django (python-django-gettingstarted: Django 5.2, gunicorn, whitenoise)",
    fixture: "python-django-gettingstarted",
    keyFile: "requirements.txt",
    comment: (tag) => `\n# bench ${tag}\n`,
    sourceFile: "hello/views.py",
    raw(dir, scratch) {
      const venv = mkdtempSync(join(scratch, "venv-"));
      execFileSync("/usr/bin/python3", ["-m", "venv", "--without-pip", venv]);
      execFileSync(
        "/usr/bin/python3",
        [
          "-m",
          "pip",
          "--python",
          join(venv, "bin", "python"),
          "install",
          "-q",
          "--cache-dir",
          join(scratch, "pip-cache"),
          "-r",
          "requirements.txt",
        ],
        { cwd: dir, stdio: "ignore", env: cleanEnv({ HOME: scratch }) },
      );
    },
    rawName: {
      cold: "raw: `pip install -r requirements.txt` into a new venv, empty pip cache",
      warm: "raw: `pip install -r requirements.txt` into a new venv, warm pip cache",
    },
  },
  {
    name: "gin (go-gin-gettingstarted: gin 1.9.1)",
    fixture: "go-gin-gettingstarted",
    keyFile: "go.mod",
    comment: (tag) => `\n// bench ${tag}\n`,
    sourceFile: "main.go",
    raw(dir, scratch) {
      execFileSync("/usr/bin/go", ["build", "-o", join(scratch, "app"), "."], {
        cwd: dir,
        stdio: "ignore",
        env: cleanEnv({
          HOME: scratch,
          GOPATH: join(scratch, "go"),
          GOMODCACHE: join(scratch, "go", "pkg", "mod"),
          GOCACHE: join(scratch, "go-build"),
          GOTOOLCHAIN: "local",
          GOFLAGS: "-modcacherw",
        }),
      });
    },
    rawName: {
      cold: "raw: `go build` with empty module and build caches",
      warm: "raw: `go build` after the same change, warm module and build caches",
    },
  },
];

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

/** A copy of the fixture whose key file carries this run's comment. */
function freshSource(stack: Stack, tag: string) {
  const dir = join(mkdtempSync(join(tmpdir(), "skypanel-bench-src-")), "app");
  cpSync(join(FIXTURES, stack.fixture), dir, { recursive: true });
  writeFileSync(join(dir, stack.keyFile), readFileSync(join(dir, stack.keyFile), "utf8") + stack.comment(tag));
  return dir;
}

/** The source-only change of a warm build: one comment line more in a source file. */
function touchSource(stack: Stack, dir: string, tag: string) {
  const file = join(dir, stack.sourceFile);
  writeFileSync(file, `${readFileSync(file, "utf8")}\n${stack.sourceFile.endsWith(".py") ? "#" : "//"} change ${tag}\n`);
}

async function platformBuilds(stack: Stack, tag: string): Promise<{ cold: number; warm: number; coldInstalled: boolean }> {
  const { home, engine, actor, build, close } = await benchBuildEngine(stack.fixture);
  try {
    const src = freshSource(stack, tag);
    const cold = await build(src);
    if (cold.build.cacheHit) throw new Error("the cold build found a dependency layer");
    const log = (await engine.builds.log(actor, "bench-app", cold.build.id)).lines.map((l) => l.text).join("\n");
    touchSource(stack, src, tag);
    const warm = await build(src);
    if (!warm.build.cacheHit) throw new Error("the warm build missed the dependency layer");
    // Whether the cold build downloaded its dependencies itself (not only found them in Nix).
    const coldInstalled = /pip download|go mod download/.test(log);
    return { cold: cold.ms, warm: warm.ms, coldInstalled };
  } finally {
    await close();
    rmSync(home, { recursive: true, force: true });
  }
}

export async function stackBuildBenchmark(): Promise<BuildRow[]> {
  const rows: BuildRow[] = [];
  for (const stack of STACKS) {
    const cold: number[] = [];
    const warm: number[] = [];
    const rawCold: number[] = [];
    const rawWarm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const tag = `${Date.now()}-${i}`;
      const scratch = mkdtempSync(join(tmpdir(), "skypanel-bench-raw-"));
      const raw = freshSource(stack, `raw-${tag}`);
      rawCold.push(time(() => stack.raw(raw, scratch)));
      touchSource(stack, raw, tag);
      rawWarm.push(time(() => stack.raw(raw, scratch)));
      rmSync(scratch, { recursive: true, force: true });

      const p = await platformBuilds(stack, tag);
      if (!p.coldInstalled) throw new Error(`the cold build of ${stack.fixture} downloaded nothing`);
      cold.push(p.cold);
      warm.push(p.warm);
    }
    rows.push(
      { benchmark: `${stack.name}: cold build (platform: upload → artifact)`, medianMs: median(cold), runsMs: cold },
      { benchmark: `  ${stack.rawName.cold}`, medianMs: median(rawCold), runsMs: rawCold },
      { benchmark: `${stack.name}: warm build (platform: source-only change)`, medianMs: median(warm), runsMs: warm },
      { benchmark: `  ${stack.rawName.warm}`, medianMs: median(rawWarm), runsMs: rawWarm },
    );
  }
  return rows;
}
