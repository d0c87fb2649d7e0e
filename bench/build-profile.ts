// Where a warm build's time goes: one cold build of the Express fixture fills the caches, then
// BENCH_BUILD_RUNS warm builds (a source-only change each). Prints each warm build's server-side
// time and its stages; with `--events` also every build event and log line with its
// time (ms since this process started), which places each step and Nix command between them.
// `node --import tsx bench/build-profile.ts [--events]`; no registry traffic after the cold build.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES } from "@skypanel/engine/build-testing";
import { benchBuildEngine } from "./build-engine.ts";

const RUNS = Number(process.env.BENCH_BUILD_RUNS ?? 5);
const { build, close, engine } = await benchBuildEngine("node-npm-express");
if (process.argv.includes("--events"))
  engine.bus.subscribe((e) => {
    if (e.type === "build.log") console.error(`[log] @${Math.round(performance.now())} ${e.text.slice(0, 100)}`);
    if (e.type === "build.updated") console.error(`[evt] @${Math.round(performance.now())} ${e.status} ${e.stage}`);
  });
try {
  const src = join(mkdtempSync(join(tmpdir(), "skypanel-profile-src-")), "app");
  cpSync(join(FIXTURES, "node-npm-express"), src, { recursive: true });
  const cold = await build(src);
  console.log(`cold: ${Math.round(cold.ms)} ms`);
  for (let i = 0; i < RUNS; i++) {
    writeFileSync(join(src, "server.js"), `${readFileSync(join(src, "server.js"), "utf8")}\n// change ${Date.now()}\n`);
    console.log(`--- warm ${i} @${Math.round(performance.now())}`);
    const w = await build(src);
    const rows = (w.build.finishedAt?.getTime() ?? 0) - w.build.createdAt.getTime();
    console.log(`warm ${i}: server ${Math.round(w.serverMs)} ms (rows' createdAt → finishedAt ${rows} ms), client ${Math.round(w.ms)} ms`);
    console.log(`  stages: ${w.build.stages.map((s) => `${s.name} ${s.durationMs ?? "-"}`).join(", ")}`);
  }
} finally {
  await close();
}
