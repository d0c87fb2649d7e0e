// `npm run bench`: runs every benchmark and prints the rows for BENCHMARKS.md, with the
// machine and date; the raw numbers go to bench/results/<date>.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { appListBenchmark } from "./app-list.bench.ts";
import { machine, markdownTable, ROOT } from "./harness.ts";

const rows = await appListBenchmark();
const date = new Date().toISOString();
const dir = join(ROOT, "bench", "results");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, `${date.slice(0, 19).replaceAll(":", "-")}.json`), JSON.stringify({ date, machine: machine(), rows }, null, 2));
console.log(`\nDate: ${date}\nMachine: ${machine()}\n`);
console.log(markdownTable(rows));
