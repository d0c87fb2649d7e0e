// Running apps, measured in one run on this machine: deploy request → first 200 through Caddy,
// scaling web from 1 to 10 healthy instances, and throughput/latency through Caddy against the
// same instance asked directly. The engine runs in this process (PGlite, real Nix, instances in
// systemd-nspawn, Caddy started by the engine); the load comes from autocannon on loopback.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@skypanel/db";
import { buildNetwork, createEngine } from "@skypanel/engine";
import { FIXTURES, uploadDir, waitForBuild } from "@skypanel/engine/build-testing";
import { appRouteId, caddyAdminClient, freePort, httpGet } from "@skypanel/engine/router-testing";
import autocannon from "autocannon";
import { requireNginx, startNginxPeer } from "./nginx-peer.ts";

const RUNS = Number(process.env.BENCH_DEPLOY_RUNS ?? 3);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
const CONNECTIONS = 32;
/** `BENCH_DEPLOY_ONLY=source,build,scale,caddy` runs only those parts (all by default). */
const ONLY = new Set((process.env.BENCH_DEPLOY_ONLY ?? "source,build,scale,caddy").split(","));
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const progress = (line: string) => console.error(`[deploy bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

export interface DeployRow {
  benchmark: string;
  /** Median of the runs, in the row's unit. */
  median: number;
  unit: string;
  runs: number[];
  note?: string;
}

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function sourceSaying(body: string) {
  const dir = join(mkdtempSync(join(tmpdir(), "skypanel-bench-src-")), "app");
  cpSync(join(FIXTURES, "node-npm-express"), dir, { recursive: true });
  const server = join(dir, "server.js");
  writeFileSync(server, readFileSync(server, "utf8").replace("hello from node-npm-express", body));
  return dir;
}

/**
 * GETs / (Host header `host`) until the body contains `marker`; returns when it first did. A
 * deployment that ends any other way than succeeded stops the wait with its error.
 */
async function untilServed(
  port: number,
  host: string,
  marker: string,
  deployment: () => Promise<{ status: string; error: string | null }>,
  timeoutMs = 120_000,
) {
  const until = Date.now() + timeoutMs;
  let checked = 0;
  for (;;) {
    const body = await httpGet({ port, host }).then(
      (r) => (r.status === 200 ? r.body : ""),
      () => "",
    );
    if (body.includes(marker)) return performance.now();
    if (Date.now() - checked > 500) {
      checked = Date.now();
      const d = await deployment();
      if (!["queued", "running", "succeeded"].includes(d.status)) throw new Error(`the deployment ${d.status}: ${d.error}`);
    }
    if (Date.now() > until)
      throw new Error(`"${marker}" was not served within ${timeoutMs} ms (deployment: ${JSON.stringify(await deployment())})`);
    await wait(20);
  }
}

/** Where Caddy's route for `appName` sends requests (the app's service address), read from Caddy's admin socket. */
async function caddyUpstream(home: string, appName: string): Promise<string> {
  const route = await caddyAdminClient({ socketPath: join(home, "run", "caddy-admin.sock") }).getById(appRouteId(appName));
  const dial = JSON.stringify(route).match(/"dial":"([^"]+)"/)?.[1];
  if (!dial) throw new Error(`no upstream in Caddy's route: ${JSON.stringify(route).slice(0, 300)}`);
  return dial;
}

async function load(url: string, headers: Record<string, string>) {
  const r = await autocannon({ url, headers, connections: CONNECTIONS, duration: LOAD_SECONDS });
  return { rps: Math.round(r.requests.average), p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx };
}

export async function deployBenchmark(): Promise<DeployRow[]> {
  const home = mkdtempSync(join(tmpdir(), "skypanel-bench-home-"));
  const httpPort = await freePort();
  const cgroupParent = `spbench${process.pid}`;
  const conn = await openDatabase({ pgliteDir: join(home, "pgdata") });
  const engine = await createEngine({
    db: conn.db,
    sql: conn.sql,
    home,
    builds: { concurrency: 2, network: buildNetwork(process.env) },
    runtime: { mode: "nspawn", router: { httpPort, baseDomain: "localhost" }, cgroupParent, reconcileIntervalMs: 1000 },
  });
  await engine.start();
  const cleanUp = async () => {
    await engine.running?.shutdown();
    await engine.stop();
    await conn.close();
    rmSync(home, { recursive: true, force: true });
  };
  // Interrupted: the containers, Caddy and nftables rules of the run go with it.
  const onSignal = () => void cleanUp().finally(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const rows: DeployRow[] = [];
  try {
    const root = { userId: "00000000-0000-0000-0000-000000000000", isAdmin: true };
    const user = await engine.users.create(root, { email: "bench@example.com", password: "bench-password" });
    const actor = { userId: user.id, isAdmin: false };
    const app = await engine.apps.create(actor, { name: "bench-app" });
    const host = `bench-app.localhost:${httpPort}`;

    progress("warm-up deploy (fills the dependency cache)");
    // Warm-up: the first deploy fills the dependency cache (and Nix's store) for the runs after it.
    const warm = await engine.deployments.create(actor, "bench-app", { source: uploadDir(home, sourceSaying("warm-up")) });
    await untilServed(httpPort, host, "warm-up", () => engine.deployments.get(actor, "bench-app", warm.id), 300_000);

    // A source change, pushed: build (warm cache) + release + rolling deploy + Caddy.
    const fromSource: number[] = [];
    for (let i = 0; i < (ONLY.has("source") ? RUNS : 0); i++) {
      const marker = `source run ${i}`;
      const upload = uploadDir(home, sourceSaying(marker));
      progress(`deploy from source, run ${i + 1} of ${RUNS}`);
      const t = performance.now();
      const dep = await engine.deployments.create(actor, "bench-app", { source: upload });
      fromSource.push((await untilServed(httpPort, host, marker, () => engine.deployments.get(actor, "bench-app", dep.id))) - t);
    }
    if (fromSource.length)
      rows.push({
        benchmark: "deploy request (source, warm cache) → first 200 of the new release",
        median: median(fromSource),
        unit: "ms",
        runs: fromSource,
      });

    // The same without the build: an existing build deployed again (as a rollback would).
    progress("builds for the deploys of existing builds");
    const builds: { id: string; marker: string }[] = [];
    for (let i = 0; i < (ONLY.has("build") ? RUNS : 0); i++) {
      const marker = `build run ${i}`;
      const b = await waitForBuild(
        engine,
        actor,
        "bench-app",
        (await engine.builds.create(actor, "bench-app", uploadDir(home, sourceSaying(marker)))).id,
      );
      if (b.status !== "succeeded") throw new Error(`bench build failed: ${b.error}`);
      builds.push({ id: b.id, marker });
    }
    const fromBuild: number[] = [];
    for (const b of builds) {
      const t = performance.now();
      const dep = await engine.deployments.create(actor, "bench-app", { buildId: b.id });
      fromBuild.push((await untilServed(httpPort, host, b.marker, () => engine.deployments.get(actor, "bench-app", dep.id))) - t);
    }
    if (fromBuild.length)
      rows.push({
        benchmark: "deploy request (existing build) → first 200 of the new release",
        median: median(fromBuild),
        unit: "ms",
        runs: fromBuild,
      });

    // Scale web 1 → 10: until ten instances are healthy and in Caddy's rotation.
    progress("scaling web 1 → 10");
    const rotation = () => engine.running?.manager.rotation(app.id).length ?? 0;
    const scaleRuns: number[] = [];
    for (let i = 0; i < (ONLY.has("scale") ? RUNS : 0); i++) {
      const t = performance.now();
      await engine.formation.scale(actor, "bench-app", { web: 10 });
      while (rotation() < 10) await wait(10);
      scaleRuns.push(performance.now() - t);
      await engine.formation.scale(actor, "bench-app", { web: 1 });
      while (rotation() > 1 || (engine.running?.supervisor.forApp(app.id).length ?? 0) > 1) await wait(100);
    }
    if (scaleRuns.length)
      rows.push({ benchmark: "scale web 1 → 10 healthy instances in rotation", median: median(scaleRuns), unit: "ms", runs: scaleRuns });

    if (!ONLY.has("caddy")) return rows;
    progress(`load: direct and through Caddy, ${LOAD_SECONDS} s each, twice`);
    // Through Caddy against the same single instance asked directly, alternating, twice each.
    const instance = engine.running?.manager.rotation(app.id)[0];
    if (!instance?.address) throw new Error("no instance in rotation");
    const direct = `http://${instance.address}:${instance.port}/`;
    // The peer: nginx in front of the same service address Caddy proxies to.
    requireNginx();
    const nginx = await startNginxPeer(await freePort(), await caddyUpstream(home, "bench-app"));
    type Load = Awaited<ReturnType<typeof load>>;
    const results: { direct: Load[]; caddy: Load[]; nginx: Load[] } = { direct: [], caddy: [], nginx: [] };
    try {
      for (let i = 0; i < 2; i++) {
        results.direct.push(await load(direct, {}));
        results.caddy.push(await load(`http://127.0.0.1:${httpPort}/`, { host }));
        results.nginx.push(await load(nginx.url, { host }));
      }
    } finally {
      await nginx.stop();
    }
    const d = results.direct.map((r) => r.rps);
    const c = results.caddy.map((r) => r.rps);
    rows.push({
      benchmark: `direct to the instance: req/s (${CONNECTIONS} connections, ${LOAD_SECONDS} s)`,
      median: median(d),
      unit: "req/s",
      runs: d,
    });
    rows.push({
      benchmark: `through Caddy: req/s (${CONNECTIONS} connections, ${LOAD_SECONDS} s)`,
      median: median(c),
      unit: "req/s",
      runs: c,
    });
    rows.push({
      benchmark: "direct to the instance: p99",
      median: median(results.direct.map((r) => r.p99)),
      unit: "ms",
      runs: results.direct.map((r) => r.p99),
    });
    rows.push({
      benchmark: "through Caddy: p99",
      median: median(results.caddy.map((r) => r.p99)),
      unit: "ms",
      runs: results.caddy.map((r) => r.p99),
    });
    const n = results.nginx.map((r) => r.rps);
    rows.push({
      benchmark: `through nginx (the peer, same service address): req/s (${CONNECTIONS} connections, ${LOAD_SECONDS} s)`,
      median: median(n),
      unit: "req/s",
      runs: n,
    });
    rows.push({
      benchmark: "nginx throughput ÷ direct throughput",
      median: Math.round((median(n) / median(d)) * 100) / 100,
      unit: "×",
      runs: n.map((x, i) => Math.round((x / (d[i] ?? 1)) * 100) / 100),
    });
    const failed = (runs: Load[]) => runs.reduce((sum, r) => sum + r.errors, 0);
    const errors = `direct ${failed(results.direct)}, Caddy ${failed(results.caddy)}, nginx ${failed(results.nginx)}`;
    rows.push({
      benchmark: "Caddy throughput ÷ direct throughput",
      median: Math.round((median(c) / median(d)) * 100) / 100,
      unit: "×",
      runs: c.map((x, i) => Math.round((x / (d[i] ?? 1)) * 100) / 100),
      note: `failed requests (errors, timeouts, non-2xx): ${errors}`,
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await cleanUp();
  }
  return rows;
}
