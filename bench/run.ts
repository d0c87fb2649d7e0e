// `npm run bench [-- app-list|builds|stacks|deploy|dashboard|cli|log-search|autoscale|load]`: runs the benchmarks and prints rows for BENCHMARKS.md
// with the machine and date; the raw numbers go to bench/results/<date>.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { appListBenchmark } from "./app-list.bench.ts";
import { autoscaleBenchmark } from "./autoscale.bench.ts";
import { buildBenchmark } from "./builds.bench.ts";
import { cliBenchmark } from "./cli.bench.ts";
import { dashboardBenchmark } from "./dashboard.bench.ts";
import { deployBenchmark } from "./deploy.bench.ts";
import { machine, markdownTable, ROOT } from "./harness.ts";
import { loadBenchmark, printLoad } from "./load.bench.ts";
import { logSearchBenchmark } from "./log-search.bench.ts";
import { stackBuildBenchmark } from "./stacks.bench.ts";

const only = process.argv[2];
const date = new Date().toISOString();
const results: Record<string, unknown> = {};
console.log(`Date: ${date}\nMachine: ${machine()}\n`);

if (!only || only === "app-list") {
  const rows = await appListBenchmark();
  results.appList = rows;
  console.log(markdownTable(rows), "\n");
}
if (!only || only === "builds") {
  const rows = await buildBenchmark();
  results.builds = rows;
  console.log("| benchmark | median ms | runs ms |\n|---|---:|---|");
  for (const r of rows) console.log(`| ${r.benchmark} | ${Math.round(r.medianMs)} | ${r.runsMs.map(Math.round).join(", ")} |`);
}

if (!only || only === "stacks") {
  const rows = await stackBuildBenchmark();
  results.stacks = rows;
  console.log("\n| benchmark | median ms | runs ms |\n|---|---:|---|");
  for (const r of rows) console.log(`| ${r.benchmark} | ${Math.round(r.medianMs)} | ${r.runsMs.map(Math.round).join(", ")} |`);
}

if (!only || only === "deploy") {
  const rows = await deployBenchmark();
  results.deploy = rows;
  console.log("\n| benchmark | median | runs | note |\n|---|---:|---|---|");
  for (const r of rows)
    console.log(
      `| ${r.benchmark} | ${Math.round(r.median * 100) / 100} ${r.unit} | ${r.runs.map((x) => Math.round(x * 100) / 100).join(", ")} | ${r.note ?? ""} |`,
    );
}

if (!only || only === "dashboard") {
  const rows = await dashboardBenchmark();
  results.dashboard = rows;
  console.log("\n| benchmark | median | runs | note |\n|---|---:|---|---|");
  for (const r of rows)
    console.log(
      `| ${r.benchmark} | ${Math.round(r.value * 10) / 10} ${r.unit} | ${r.runs.map((x) => Math.round(x)).join(", ")} | ${r.note ?? ""} |`,
    );
}

if (!only || only === "cli") {
  const rows = await cliBenchmark();
  results.cli = rows;
  console.log("\n| command | p50 ms | p95 ms | p50 × node -e 0 | runs |\n|---|---:|---:|---:|---:|");
  for (const r of rows)
    console.log(`| ${r.benchmark} | ${r.p50Ms.toFixed(1)} | ${r.p95Ms.toFixed(1)} | ${r.ratio.toFixed(2)} | ${r.runs} |`);
}

if (!only || only === "log-search") {
  const rows = await logSearchBenchmark();
  results.logSearch = rows;
  console.log("\n| benchmark | database | p50 ms | p95 ms | runs | lines | note |\n|---|---|---:|---:|---:|---:|---|");
  for (const r of rows)
    console.log(
      `| ${r.benchmark} | ${r.database} | ${r.p50Ms.toFixed(1)} | ${r.p95Ms.toFixed(1)} | ${r.runs} | ${r.lines} | ${r.note ?? ""} |`,
    );
}

if (!only || only === "autoscale") {
  const rows = await autoscaleBenchmark();
  results.autoscale = rows;
  console.log("\n| benchmark | median | runs |\n|---|---:|---|");
  for (const r of rows)
    console.log(`| ${r.benchmark} | ${(r.median / 1000).toFixed(1)} s | ${r.runs.map((x) => (x / 1000).toFixed(1)).join(", ")} |`);
}

if (!only || only === "load") {
  const result = await loadBenchmark();
  results.load = result;
  console.log("");
  printLoad(result);
}

const dir = join(ROOT, "bench", "results");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `${date.slice(0, 19).replaceAll(":", "-")}.json`), JSON.stringify({ date, machine: machine(), results }, null, 2));
