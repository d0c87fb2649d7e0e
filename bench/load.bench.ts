// `npm run bench -- load` (issue 18): the API at fixed rates (100 and 1,000 req/s, then raised
// until it breaks) on PGlite and on PostgreSQL with /healthz as the floor, a CPU profile of the
// platform at its limit, and ten builds and ten deploys at once. Everything it starts (platform
// processes, their apps and Caddy, the PostgreSQL database, temporary folders) goes at the end.
import { TEST_PG_ADMIN_URL as PG_ADMIN } from "@skypanel/db/testing";
import postgres from "postgres";
import { APPS, type ApiRow, type ApiRun, apiLoad, P99_BOUND_MS } from "./load-api.ts";
import { type BatchRow, buildsAndDeploys, CONCURRENT } from "./load-builds.ts";

export interface LoadResult {
  api: ApiRun[];
  batches: { rows: BatchRow[]; concurrency: string } | null;
}

export async function loadBenchmark(): Promise<LoadResult> {
  const parts = (process.env.BENCH_LOAD_PARTS ?? "api,builds").split(",");
  const api: ApiRun[] = [];
  if (parts.includes("api")) {
    api.push(await apiLoad("PGlite (embedded)", {}, null));
    const name = `skypanel_load_${Date.now()}`;
    const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(PG_ADMIN);
      url.pathname = `/${name}`;
      api.push(await apiLoad("PostgreSQL 15", { DATABASE_URL: url.toString() }, { name, admin }));
    } finally {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }
  const batches = parts.includes("builds") ? await buildsAndDeploys() : null;
  return { api, batches };
}

const rate = (r: number) => (r ? r.toLocaleString("en") : "max");
const pct = (x: number | null) => (x === null ? "" : `${Math.round(x)} %`);

export function printLoad(result: LoadResult) {
  const out: string[] = [];
  if (result.api.length) {
    out.push(
      `API: ${APPS} apps; mix = 30 % GET /api/apps, 30 % GET /api/apps/{app}, 20 % …/releases, 15 % …/config, 5 % POST …/config/vars; ` +
        `a step holds at ≥ 95 % of its rate, p99 ≤ ${P99_BOUND_MS} ms, < 0.1 % errors. CPU in % of one core during the step; "waited": time the platform's main thread was runnable but had no core.`,
      "",
      "Each request alone (one connection, one after another, 40 runs):",
      "",
      "| database | request | p50 ms | p95 ms |",
      "|---|---|---:|---:|",
      ...result.api.flatMap((run) => run.endpoints.map((e) => `| ${e.database} | ${e.endpoint} | ${e.p50} | ${e.p95} |`)),
      "",
      "| database | target | rate req/s | achieved req/s | requests | p50 ms | p99 ms | p50, p99 ÷ floor's | errors | platform CPU | platform CPU ms per request | platform waited for a core | PostgreSQL CPU | autocannon CPU | tx/request | holds |",
      "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    );
    for (const run of result.api) {
      const floor = (r: ApiRow) => run.rows.find((f) => f.target === "floor" && f.rate === r.rate && f.requests > 0);
      for (const r of run.rows) {
        const f = r.target === "mix" ? floor(r) : undefined;
        out.push(
          `| ${r.database} | ${r.target === "floor" ? "GET /healthz (floor)" : "API mix"} | ${rate(r.rate)} | ${r.achieved} | ${r.requests} | ${r.p50} | ${r.p99} | ${f ? `${(r.p50 / Math.max(1, f.p50)).toFixed(1)}×, ${(r.p99 / Math.max(1, f.p99)).toFixed(1)}×` : ""} | ${r.errors}${r.errors ? ` (${r.statuses})` : ""} | ${pct(r.platformCpu)} | ${r.achieved ? ((r.platformCpu * 10) / r.achieved).toFixed(1) : ""} | ${pct(r.platformWaited)} | ${pct(r.postgresCpu)} | ${pct(r.loadGenCpu)} | ${r.txPerRequest ?? ""} | ${r.holds ? "yes" : "**no**"} |`,
        );
      }
    }
    for (const run of result.api) {
      const p = run.profile;
      out.push(
        "",
        `Profile (${run.rows[0]?.database}, API mix at ${rate(p.rate)} req/s, ${p.windowed ? "the step's window only" : "the whole process life"}): ` +
          `main thread busy ${p.busyMs} ms of ${p.wallMs} ms (${Math.round((p.busyMs / Math.max(1, p.wallMs)) * 100)} %).`,
        "",
        "| area | self ms | share |",
        "|---|---:|---:|",
        ...p.areas.map((a) => `| ${a.name} | ${a.ms} | ${a.share} % |`),
        "",
        "| function (self time) | self ms | share |",
        "|---|---:|---:|",
        ...p.functions.map((f) => `| \`${f.name.replaceAll("|", "\\|")}\` | ${f.ms} | ${f.share} % |`),
        "",
        `Charged to the nearest platform function on the stack (${p.unattributedShare} % of the busy time had none: promise continuations carry no caller's frames):`,
        "",
        "| platform function | ms | share |",
        "|---|---:|---:|",
        ...p.platformCallers.map((f) => `| \`${f.name.replaceAll("|", "\\|")}\` | ${f.ms} | ${f.share} % |`),
      );
    }
  }
  if (result.batches) {
    out.push(
      "",
      `Builds and deploys: ${CONCURRENT} apps, ${result.batches.concurrency}.`,
      "",
      "| benchmark | all finished s | each s (request → end), sorted | queued s, sorted | succeeded | note |",
      "|---|---:|---|---|---:|---|",
      ...result.batches.rows.map(
        (r) =>
          `| ${r.benchmark} | ${(r.allMs / 1000).toFixed(1)} | ${r.eachMs.map((x) => (x / 1000).toFixed(1)).join(", ")} | ${r.queuedMs.map((x) => (x / 1000).toFixed(1)).join(", ")} | ${r.succeeded} of ${CONCURRENT} | ${r.note} |`,
      ),
    );
  }
  console.log(out.join("\n"));
}
