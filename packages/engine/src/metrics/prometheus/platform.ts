// The control plane's own metrics: its HTTP and tRPC latency, builds and deployments by outcome,
// the job queue, reconciler passes and Caddy config loads. Label values come from fixed lists or
// registered routes, never from what a client sent, so no request can grow the exposition.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { PlatformEvent } from "../../events/index.ts";
import type { RouterEvent } from "../../router/index.ts";

/** Seconds; from a health check (a few ms) to a slow upload or log search. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const RECONCILE_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const HTTP_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const BUILD_OUTCOMES = ["succeeded", "failed", "cancelled"] as const;
const DEPLOYMENT_OUTCOMES = ["succeeded", "failed", "cancelled", "rolled_back"] as const;
/** Outcomes already counted are remembered this long (by id), so a repeated event counts once. */
const REMEMBERED_OUTCOMES = 1000;

export function createPlatformInstruments(registry: Registry) {
  const registers = [registry];
  const http = new Histogram({
    name: "skypanel_http_request_duration_seconds",
    help: "Time the control plane took to answer an HTTP request, until its headers (a stream's body is not waited for).",
    labelNames: ["method", "route", "status"] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const trpc = new Histogram({
    name: "skypanel_trpc_call_duration_seconds",
    help: "Time a tRPC procedure took, by procedure, type and result code (OK or the tRPC error code).",
    labelNames: ["procedure", "type", "code"] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const builds = new Counter({
    name: "skypanel_builds_total",
    help: "Builds finished, by outcome.",
    labelNames: ["outcome"] as const,
    registers,
  });
  const deployments = new Counter({
    name: "skypanel_deployments_total",
    help: "Deployments finished, by outcome.",
    labelNames: ["outcome"] as const,
    registers,
  });
  const queued = new Gauge({
    name: "skypanel_job_queue_depth",
    help: "Jobs waiting in the durable queue, by kind (build, deploy, import).",
    labelNames: ["kind"] as const,
    registers,
  });
  const running = new Gauge({
    name: "skypanel_jobs_running",
    help: "Jobs running now, on any control plane sharing the database, by kind.",
    labelNames: ["kind"] as const,
    registers,
  });
  const reconcilePasses = new Counter({
    name: "skypanel_reconcile_passes_total",
    help: "Periodic passes of the reconciler that converges instances and routes, by outcome.",
    labelNames: ["outcome"] as const,
    registers,
  });
  const reconcileDuration = new Histogram({
    name: "skypanel_reconcile_pass_duration_seconds",
    help: "How long one reconciler pass took.",
    buckets: RECONCILE_BUCKETS,
    registers,
  });
  const caddyLoads = new Counter({
    name: "skypanel_caddy_config_loads_total",
    help: "Configs loaded into Caddy: applied (routes changed) or drifted (Caddy had another config).",
    labelNames: ["reason"] as const,
    registers,
  });
  const caddyFailures = new Counter({
    name: "skypanel_caddy_config_load_failures_total",
    help: "Configs Caddy refused (or that could not be sent), by what Caddy served afterwards: restored, restarted or none.",
    labelNames: ["recovered"] as const,
    registers,
  });
  // Known outcomes start at 0, so a rate or an alert has a series before the first event.
  for (const outcome of BUILD_OUTCOMES) builds.inc({ outcome }, 0);
  for (const outcome of DEPLOYMENT_OUTCOMES) deployments.inc({ outcome }, 0);
  for (const outcome of ["ok", "failed"]) reconcilePasses.inc({ outcome }, 0);
  for (const reason of ["applied", "drifted"]) caddyLoads.inc({ reason }, 0);
  for (const recovered of ["restored", "restarted", "none"]) caddyFailures.inc({ recovered }, 0);

  const counted = new Set<string>();
  /** True the first time an id's outcome is told. */
  function firstTime(id: string): boolean {
    if (counted.has(id)) return false;
    counted.add(id);
    if (counted.size > REMEMBERED_OUTCOMES) counted.delete(counted.values().next().value as string);
    return true;
  }
  const jobKinds = new Set<string>();

  return {
    httpRequest(method: string, route: string, status: number, seconds: number) {
      http.observe({ method: HTTP_METHODS.has(method) ? method : "other", route, status: String(status) }, seconds);
    },

    trpcCall(procedure: string, type: string, code: string, seconds: number) {
      trpc.observe({ procedure, type, code }, seconds);
    },

    /** Builds and deployments are counted from the engine's events as they reach an outcome. */
    platformEvent(event: PlatformEvent) {
      if (event.type === "build.updated" && (BUILD_OUTCOMES as readonly string[]).includes(event.status)) {
        if (firstTime(`build:${event.buildId}`)) builds.inc({ outcome: event.status });
      } else if (event.type === "deployment.updated" && (DEPLOYMENT_OUTCOMES as readonly string[]).includes(event.status)) {
        if (firstTime(`deployment:${event.deploymentId}`)) deployments.inc({ outcome: event.status });
      }
    },

    routerEvent(event: RouterEvent) {
      if (event.type === "config-loaded") caddyLoads.inc({ reason: event.reason });
      else if (event.type === "load-failed") caddyFailures.inc({ recovered: event.recovered ?? "none" });
    },

    reconcilePass(outcome: "ok" | "failed", seconds: number) {
      reconcilePasses.inc({ outcome });
      reconcileDuration.observe(seconds);
    },

    /** The queue as the database holds it now; a kind seen before and now empty reads 0. */
    setJobCounts(counts: { kind: string; queued: number; running: number }[]) {
      queued.reset();
      running.reset();
      for (const c of counts) jobKinds.add(c.kind);
      for (const kind of jobKinds) {
        const c = counts.find((x) => x.kind === kind);
        queued.set({ kind }, c?.queued ?? 0);
        running.set({ kind }, c?.running ?? 0);
      }
    },
  };
}

export type PlatformInstruments = ReturnType<typeof createPlatformInstruments>;
