// The autoscaler, measured on this machine: from the start of a load through Caddy to the first
// scale-up of web (the formation changed), and to the new instance in rotation. Instances in
// systemd-nspawn, PGlite, real Nix; the load is autocannon on loopback (4 connections, 200
// requests/s overall) against a policy on rps with a target of 40 per instance. Two settings:
// the platform's defaults (metrics every 10 s averaged over 60 s, a pass every 15 s) and the
// fast ones the end-to-end test uses (1 s, 3 s, 1 s).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@skypanel/db";
import { type AutoscalerOptions, buildNetwork, createEngine } from "@skypanel/engine";
import { copyFixture, uploadDir, waitForBuild } from "@skypanel/engine/build-testing";
import { freePort, httpGet } from "@skypanel/engine/router-testing";
import autocannon from "autocannon";
import type { DeployRow } from "./deploy.bench.ts";

const RUNS = Number(process.env.BENCH_AUTOSCALE_RUNS ?? 3);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const progress = (line: string) => console.error(`[autoscale bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function measure(name: string, metricsIntervalMs: number, autoscale: AutoscalerOptions): Promise<DeployRow[]> {
  const home = mkdtempSync(join(tmpdir(), "skypanel-bench-home-"));
  const httpPort = await freePort();
  const conn = await openDatabase({ pgliteDir: join(home, "pgdata") });
  const engine = await createEngine({
    db: conn.db,
    sql: conn.sql,
    home,
    builds: { concurrency: 2, network: buildNetwork(process.env) },
    runtime: {
      mode: "nspawn",
      router: { httpPort, baseDomain: "localhost" },
      cgroupParent: `spas${process.pid}`,
      reconcileIntervalMs: 1000,
      metricsIntervalMs,
    },
    autoscale,
  });
  await engine.start();
  const cleanUp = async () => {
    await engine.running?.shutdown();
    await engine.stop();
    await conn.close();
    rmSync(home, { recursive: true, force: true });
  };
  const onSignal = () => void cleanUp().finally(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const toScaleUp: number[] = [];
  const toRotation: number[] = [];
  try {
    const root = { userId: "00000000-0000-0000-0000-000000000000", isAdmin: true };
    const user = await engine.users.create(root, { email: "bench@example.com", password: "bench-password" });
    const actor = { userId: user.id, isAdmin: false };
    const app = await engine.apps.create(actor, { name: "surge" });
    const host = `surge.localhost:${httpPort}`;
    progress(`${name}: build and deploy`);
    const build = await waitForBuild(
      engine,
      actor,
      "surge",
      (await engine.builds.create(actor, "surge", uploadDir(home, copyFixture("node-greeting")))).id,
    );
    if (build.status !== "succeeded") throw new Error(`the build ${build.status}: ${build.error}`);
    const deployment = await engine.deployments.create(actor, "surge", { buildId: build.id });
    for (let d = deployment; ; await wait(250)) {
      d = await engine.deployments.get(actor, "surge", deployment.id);
      if (d.status === "succeeded") break;
      if (!["queued", "running"].includes(d.status)) throw new Error(`the deployment ${d.status}: ${d.error}`);
    }
    const rotation = () => engine.running?.manager.rotation(app.id).length ?? 0;
    const quantity = async () => (await engine.formation.get(actor, "surge")).find((f) => f.processType === "web")?.quantity ?? 0;
    const policy = { process: "web", enabled: true, min: 1, max: 3, metric: "rps" as const, target: 40, stabilizationSeconds: 10 };
    for (let i = 0; i < RUNS; i++) {
      // Each run starts from one routed instance and no counted traffic.
      await engine.autoscale.replace(actor, "surge", { policies: [{ ...policy, enabled: false }] });
      await engine.formation.scale(actor, "surge", { web: 1 });
      for (
        let j = 0;
        j < 600 && (rotation() !== 1 || (await httpGet({ port: httpPort, host }).catch(() => ({ status: 0 }))).status !== 200);
        j++
      )
        await wait(100);
      await conn.sql.query("DELETE FROM metrics_snapshots WHERE app_id = $1", [app.id]);
      await engine.autoscale.replace(actor, "surge", { policies: [policy] });
      progress(`${name}: run ${i + 1} of ${RUNS}`);
      const started = performance.now();
      let finish: (r: autocannon.Result) => void = () => {};
      const done = new Promise<autocannon.Result>((resolve) => (finish = resolve));
      // With a callback autocannon returns the running instance, which can be stopped.
      const load = autocannon(
        { url: `http://127.0.0.1:${httpPort}/`, headers: { host }, connections: 4, overallRate: 200, duration: 120 },
        (_err, r) => finish(r),
      );
      let scaled = 0;
      while (performance.now() - started < 120_000) {
        if (!scaled && (await quantity()) > 1) scaled = performance.now() - started;
        if (scaled && rotation() > 1) break;
        await wait(50);
      }
      const inRotation = performance.now() - started;
      load.stop();
      const result = await done;
      if (!scaled) throw new Error(`${name}: no scale-up within 120 s`);
      if (result.errors + result.timeouts + result.non2xx > 0)
        throw new Error(`${name}: ${result.errors} errors, ${result.non2xx} non-2xx`);
      toScaleUp.push(scaled);
      toRotation.push(inRotation);
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await cleanUp();
  }
  return [
    { benchmark: `load start → first scale-up decision (${name})`, median: median(toScaleUp), unit: "ms", runs: toScaleUp },
    { benchmark: `load start → a second instance in rotation (${name})`, median: median(toRotation), unit: "ms", runs: toRotation },
  ];
}

export async function autoscaleBenchmark(): Promise<DeployRow[]> {
  return [
    ...(await measure("defaults: metrics 10 s over 60 s, a pass every 15 s", 10_000, {})),
    ...(await measure("fast: metrics 1 s over 3 s, a pass every 1 s", 1_000, { intervalMs: 1000, windowSeconds: 3 })),
  ];
}
