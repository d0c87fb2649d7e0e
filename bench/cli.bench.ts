// Start-up time of the `skypanel` CLI: `--version` and `--help` against `node -e 0` (the floor:
// Node itself starting), each run as a fresh process the way a shell runs it. Runs are
// interleaved so a busy moment on the machine hits every command alike.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./harness.ts";

const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 50);
const BIN = join(ROOT, "packages/cli/bin/skypanel.js");

export interface CliRow {
  benchmark: string;
  p50Ms: number;
  p95Ms: number;
  /** p50 over the p50 of `node -e 0`. */
  ratio: number;
  runs: number;
}

const COMMANDS: [string, string[]][] = [
  ["node -e 0 (floor)", ["-e", "0"]],
  ["skypanel --version", [BIN, "--version"]],
  ["skypanel --help", [BIN, "--help"]],
];

function timeOnce(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const res = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status !== 0) throw new Error(`${args.join(" ")} exited ${res.status}: ${res.stderr}`);
  return ms;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

export async function cliBenchmark(): Promise<CliRow[]> {
  const times = COMMANDS.map(() => [] as number[]);
  for (const [, args] of COMMANDS) timeOnce(args); // warm the file cache
  for (let i = 0; i < RUNS; i++) {
    for (const [j, [, args]] of COMMANDS.entries()) times[j]?.push(timeOnce(args));
  }
  const sorted = times.map((list) => [...list].sort((a, b) => a - b));
  const floor = percentile(sorted[0] ?? [], 50);
  return COMMANDS.map(([benchmark], j) => {
    const s = sorted[j] ?? [];
    const p50 = percentile(s, 50);
    return { benchmark, p50Ms: p50, p95Ms: percentile(s, 95), ratio: p50 / floor, runs: s.length };
  });
}
