// Cold and warm (source-only change) builds of an Express app, each beside the raw commands the
// build wraps, measured in one run on this machine. The engine runs in this process on
// embedded PGlite with real Nix and npm's registry. The warm build is measured server side (the
// upload arrived → the engine's succeeded event: build-engine.ts); bench/build-profile.ts says
// where that time goes.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES, uploadDir } from "@skypanel/engine/build-testing";
import { benchBuildEngine } from "./build-engine.ts";

const RUNS = Number(process.env.BENCH_BUILD_RUNS ?? 3);

export interface BuildRow {
  benchmark: string;
  medianMs: number;
  runsMs: number[];
}

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** A copy of the Express fixture whose package name (an install field) is unique, so nothing is cached. */
function freshSource(tag: string) {
  const dir = join(mkdtempSync(join(tmpdir(), "skypanel-bench-src-")), "app");
  cpSync(join(FIXTURES, "node-npm-express"), dir, { recursive: true });
  for (const f of ["package.json", "package-lock.json"]) {
    const json = JSON.parse(readFileSync(join(dir, f), "utf8"));
    json.name = `bench-${tag}`;
    if (json.packages?.[""]) json.packages[""].name = `bench-${tag}`;
    writeFileSync(join(dir, f), JSON.stringify(json, null, 2));
  }
  return dir;
}

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

export async function buildBenchmark(): Promise<BuildRow[]> {
  const { home, build, close } = await benchBuildEngine("node-npm-express");

  const cold: number[] = [];
  const rawCold: number[] = [];
  const warm: number[] = [];
  const warmClient: number[] = [];
  const rawWarm: number[] = [];
  const rawWarmInstall: number[] = [];
  const warmStages: Record<string, number>[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const tag = `${Date.now()}-${i}`;
      // Raw cold: what the cold build wraps, by hand: npm ci (scripts on) with an empty npm cache.
      const raw = freshSource(`raw-${tag}`);
      const cache = mkdtempSync(join(tmpdir(), "skypanel-bench-npm-"));
      rawCold.push(time(() => execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--cache", cache], { cwd: raw, stdio: "ignore" })));
      // Raw warm, as a CI job without the platform would redo it: npm ci again with a warm npm cache.
      rmSync(join(raw, "node_modules"), { recursive: true, force: true });
      rawWarmInstall.push(
        time(() =>
          execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline", "--cache", cache], { cwd: raw, stdio: "ignore" }),
        ),
      );

      // Platform cold: new lockfile identity, so no layer, derivation or npm cache entry exists.
      const src = freshSource(tag);
      cold.push((await build(src)).ms);

      // Platform warm: the same app with one source line changed.
      writeFileSync(join(src, "server.js"), `${readFileSync(join(src, "server.js"), "utf8")}\n// change ${tag}\n`);
      const w = await build(src);
      if (!w.build.cacheHit) throw new Error("the warm build missed the cache");
      warm.push(w.serverMs);
      warmClient.push(w.ms);
      warmStages.push(Object.fromEntries(w.build.stages.map((s) => [s.name, s.durationMs ?? 0])));

      // Raw warm: the commands the warm build wraps: unpack the upload, copy the source into the output.
      const out = mkdtempSync(join(tmpdir(), "skypanel-bench-out-"));
      const archive = uploadDir(home, src).uploadPath;
      rawWarm.push(
        time(() => {
          execFileSync("tar", ["-xzf", archive, "-C", out]);
          cpSync(out, `${out}-copy`, { recursive: true });
        }),
      );
      rmSync(archive, { force: true });
    }
  } finally {
    await close();
  }
  return [
    { benchmark: "cold build (platform: upload → artifact, empty caches)", medianMs: median(cold), runsMs: cold },
    { benchmark: "cold raw: npm ci with an empty npm cache", medianMs: median(rawCold), runsMs: rawCold },
    {
      benchmark: "warm build (platform: source-only change), server side: upload arrived → succeeded",
      medianMs: median(warm),
      runsMs: warm,
    },
    { benchmark: "  the same, client side: pack the upload … see it succeeded", medianMs: median(warmClient), runsMs: warmClient },
    { benchmark: "warm raw: unpack the upload + copy the source", medianMs: median(rawWarm), runsMs: rawWarm },
    ...["fetch", "detect", "dependencies", "build", "artifact", "optimise"].map((stage) => {
      const runs = warmStages.map((s) => s[stage] ?? 0);
      return { benchmark: `  warm build, stage ${stage}`, medianMs: median(runs), runsMs: runs };
    }),
    { benchmark: "warm raw (CI without the platform): npm ci, warm npm cache", medianMs: median(rawWarmInstall), runsMs: rawWarmInstall },
  ];
}
