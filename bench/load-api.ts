// The API at a fixed request rate: a mix of what a dashboard and the CLI ask (the app list, an
// app, its releases, its config, and 5 % config writes) with a Bearer token, against /healthz at
// the same rate as the floor; then the rate raised step by step until p99 or errors break, with
// the CPU each process used per step and a CPU profile of the platform at the limit.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import type postgres from "postgres";
import { type ProfileSummary, summariseProfile } from "./cpu-profile.ts";
import { cpuSeconds, type LoadPlatform, runQueueWaitSeconds, startLoadPlatform } from "./load-platform.ts";

export const APPS = 100;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Enough connections that a rate is not capped by latency × connections below ~2,000 req/s. */
const CONNECTIONS = 50;
/** A step holds when it reaches 95 % of its rate, p99 stays under this, and under 0.1 % fail. */
export const P99_BOUND_MS = 500;
export const MIX_RATES = [100, 300, 1000, 2000, 0];
export const FLOOR_RATES = [100, 1000, 0];

export interface ApiRow {
  database: string;
  target: string;
  /** Requested rate in req/s; 0 is as fast as the connections go. */
  rate: number;
  requests: number;
  achieved: number;
  p50: number;
  p99: number;
  errors: number;
  statuses: string;
  /** CPU used during the step, in % of one core. */
  platformCpu: number;
  /** Time the platform's main thread was runnable but waited for a core, in % of the step. */
  platformWaited: number;
  postgresCpu: number | null;
  loadGenCpu: number;
  /** PostgreSQL transactions committed per request (from pg_stat_database; approximate). */
  txPerRequest: number | null;
  holds: boolean;
  /** When autocannon ran, on CLOCK_MONOTONIC in µs (to read the profile for this step only). */
  window: { fromUs: number; toUs: number };
}

const progress = (line: string) => console.error(`[load bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const round1 = (x: number) => Math.round(x * 10) / 10;
const now = () => Number(process.hrtime.bigint() / 1000n);

async function call(p: LoadPlatform, method: string, path: string, body?: unknown) {
  const res = await fetch(`${p.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${p.token}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

/** APPS apps (load-000 …), each with three config vars, 20 requests at a time. */
export async function seedApps(p: LoadPlatform) {
  for (let i = 0; i < APPS; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, APPS - i) }, async (_, j) => {
        const name = `load-${String(i + j).padStart(3, "0")}`;
        await call(p, "POST", "/api/apps", { name });
        await call(p, "POST", `/api/apps/${name}/config/vars`, { vars: { REGION: "eu", WORKERS: "4", FEATURE_X: "on" } });
      }),
    );
  }
}

/** Twenty requests per cycle: 30 % list, 30 % app, 20 % releases, 15 % config, 5 % config set. */
function mixRequests(): autocannon.Request[] {
  let n = 0;
  const app = () => `load-${String(n++ % APPS).padStart(3, "0")}`;
  const get = (path: (a: string) => string): autocannon.Request => ({
    method: "GET",
    setupRequest: (req) => ({ ...req, path: path(app()) }),
  });
  const slots: autocannon.Request[] = [];
  for (let i = 0; i < 6; i++)
    slots.push(
      { method: "GET", path: "/api/apps" },
      get((a) => `/api/apps/${a}`),
    );
  for (let i = 0; i < 4; i++) slots.push(get((a) => `/api/apps/${a}/releases`));
  for (let i = 0; i < 3; i++) slots.push(get((a) => `/api/apps/${a}/config`));
  slots.push({
    method: "POST",
    setupRequest: (req) => ({
      ...req,
      path: `/api/apps/${app()}/config/vars`,
      headers: { ...req.headers, "content-type": "application/json" },
      body: JSON.stringify({ vars: { LOAD_TICK: String(n) } }),
    }),
  });
  return slots;
}

export interface EndpointRow {
  database: string;
  endpoint: string;
  runs: number;
  p50: number;
  p95: number;
}

/** Each request of the mix alone, one after another on one connection: what it costs unloaded. */
async function endpointsAlone(p: LoadPlatform, database: string): Promise<EndpointRow[]> {
  const runs = 40;
  const endpoints: [string, string, (i: number) => string, ((i: number) => string)?][] = [
    ["GET /healthz (floor)", "GET", () => "/healthz"],
    ["GET /api/apps", "GET", () => "/api/apps"],
    ["GET /api/apps/{app}", "GET", (i) => `/api/apps/load-${String(i % APPS).padStart(3, "0")}`],
    ["GET /api/apps/{app}/releases", "GET", (i) => `/api/apps/load-${String(i % APPS).padStart(3, "0")}/releases`],
    ["GET /api/apps/{app}/config", "GET", (i) => `/api/apps/load-${String(i % APPS).padStart(3, "0")}/config`],
    [
      "POST /api/apps/{app}/config/vars",
      "POST",
      (i) => `/api/apps/load-${String(i % APPS).padStart(3, "0")}/config/vars`,
      (i) => JSON.stringify({ vars: { ALONE_TICK: String(i) } }),
    ],
  ];
  const rows: EndpointRow[] = [];
  for (const [endpoint, method, path, body] of endpoints) {
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const res = await fetch(`${p.url}${path(i)}`, {
        method,
        headers: { authorization: `Bearer ${p.token}`, ...(body ? { "content-type": "application/json" } : {}) },
        ...(body ? { body: body(i) } : {}),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${endpoint}: ${res.status}`);
      ms.push(performance.now() - t);
    }
    // No statement count per request here: pg_stat_database lags by up to 10 s for idle backends.
    ms.sort((a, b) => a - b);
    rows.push({
      database,
      endpoint,
      runs,
      p50: round1(ms[Math.floor(runs / 2)] ?? 0),
      p95: round1(ms[Math.floor(runs * 0.95)] ?? 0),
    });
  }
  return rows;
}

interface Db {
  name: string;
  admin: postgres.Sql;
}

async function postgresCounters(db: Db | null) {
  if (!db) return null;
  const backends = await db.admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${db.name}`;
  const [row] = await db.admin<{ xact: string }[]>`select xact_commit::text as xact from pg_stat_database where datname = ${db.name}`;
  return { cpu: new Map(backends.map((b) => [b.pid, cpuSeconds(b.pid)])), xact: Number(row?.xact ?? 0) };
}

async function step(p: LoadPlatform, database: string, db: Db | null, target: "mix" | "floor", rate: number): Promise<ApiRow> {
  progress(`${database}: ${target} at ${rate || "max"} req/s, ${SECONDS} s`);
  const pgBefore = await postgresCounters(db);
  const platformBefore = cpuSeconds(p.pid);
  const waitedBefore = runQueueWaitSeconds(p.pid);
  const genBefore = process.cpuUsage();
  const started = performance.now();
  const fromUs = now();
  const r = await autocannon({
    url: p.url,
    connections: CONNECTIONS,
    duration: SECONDS,
    timeout: 10,
    ...(rate ? { overallRate: rate } : {}),
    ...(target === "mix"
      ? { headers: { authorization: `Bearer ${p.token}` }, requests: mixRequests() }
      : { requests: [{ path: "/healthz" }] }),
  });
  const wall = (performance.now() - started) / 1000;
  const toUs = now();
  const gen = process.cpuUsage(genBefore);
  const platformCpu = ((cpuSeconds(p.pid) - platformBefore) / wall) * 100;
  const platformWaited = ((runQueueWaitSeconds(p.pid) - waitedBefore) / wall) * 100;
  let postgresCpu: number | null = null;
  let txPerRequest: number | null = null;
  if (db && pgBefore) {
    // Backends flush their statistics at most once a second: give the last second time to land.
    await new Promise((res) => setTimeout(res, 1500));
    const after = await postgresCounters(db);
    if (after) {
      let seconds = 0;
      for (const [pid, s] of after.cpu) seconds += s - (pgBefore.cpu.get(pid) ?? 0);
      postgresCpu = (seconds / wall) * 100;
      txPerRequest = (after.xact - pgBefore.xact) / Math.max(1, r.requests.total);
    }
  }
  // autocannon's `errors` counts the timeouts too.
  const errors = r.errors + r.non2xx;
  const statuses = Object.entries((r as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {})
    .map(([code, s]) => `${code}×${s.count}`)
    .join(" ");
  const achieved = r.requests.total / SECONDS;
  return {
    database,
    target,
    rate,
    requests: r.requests.total,
    achieved: Math.round(achieved),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors,
    statuses: `${statuses}${r.timeouts ? ` timeouts×${r.timeouts}` : ""}${r.errors - r.timeouts > 0 ? ` socket errors×${r.errors - r.timeouts}` : ""}`,
    platformCpu: round1(platformCpu),
    platformWaited: round1(platformWaited),
    postgresCpu: postgresCpu === null ? null : round1(postgresCpu),
    loadGenCpu: round1(((gen.user + gen.system) / 1e6 / wall) * 100),
    txPerRequest: txPerRequest === null ? null : round1(txPerRequest),
    window: { fromUs, toUs },
    holds:
      r.requests.total > 0 && (rate === 0 || achieved >= rate * 0.95) && r.latency.p99 <= P99_BOUND_MS && errors <= r.requests.total / 1000,
  };
}

export interface ApiRun {
  endpoints: EndpointRow[];
  rows: ApiRow[];
  profile: ProfileSummary & { rate: number };
}

/**
 * One database: the platform started under `--cpu-prof` (a sampling profiler: a few % of its CPU)
 * and seeded, each request alone, then the floor and the mix at each rate; the profile is read
 * for the last step only, the mix as fast as the connections go, the process at its limit.
 */
export async function apiLoad(database: string, env: Record<string, string>, db: Db | null): Promise<ApiRun> {
  // Runtime off: this measures the control plane's API; builds and deploys have their own part.
  const settings = { ...env, SKYPANEL_RUNTIME: "off" };
  const profiles = mkdtempSync(join(tmpdir(), "skypanel-load-prof-"));
  const rows: ApiRow[] = [];
  let endpoints: EndpointRow[] = [];
  try {
    const p = await startLoadPlatform({ env: settings, nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profiles}`] });
    try {
      progress(`${database}: seeding ${APPS} apps`);
      await seedApps(p);
      progress(`${database}: each request alone`);
      endpoints = await endpointsAlone(p, database);
      const rates = [...new Set([...FLOOR_RATES, ...MIX_RATES])].sort((a, b) => (a || 1e9) - (b || 1e9));
      for (const rate of rates) {
        if (FLOOR_RATES.includes(rate)) rows.push(await step(p, database, db, "floor", rate));
        if (MIX_RATES.includes(rate)) rows.push(await step(p, database, db, "mix", rate));
      }
    } finally {
      // SIGTERM: the platform exits by itself, and Node writes the profile as it does.
      await p.stop();
    }
    const file = readdirSync(profiles).find((f) => f.endsWith(".cpuprofile"));
    if (!file) throw new Error("the profiled platform wrote no .cpuprofile");
    const limit = rows.find((r) => r.target === "mix" && r.rate === 0);
    return { endpoints, rows, profile: { ...summariseProfile(join(profiles, file), limit?.window), rate: 0 } };
  } finally {
    rmSync(profiles, { recursive: true, force: true });
  }
}
