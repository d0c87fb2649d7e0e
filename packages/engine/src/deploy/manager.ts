import type { Database, Release } from "@skypanel/db";
import { domainHostnamesByApp, findReleaseById, listAppsWithReleases } from "@skypanel/db/queries";
import { underBaseDomain } from "../domains/index.ts";
import { type FormationService, instanceLimits, type ProcessFormation } from "../formation/index.ts";
import { healthCheckFor } from "../health/index.ts";
import { routeMaintenanceByApp } from "../maintenance/index.ts";
import type { Releases } from "../releases/index.ts";
import type { AppRoute, Router } from "../router/index.ts";
import type { ServiceBalancer } from "../router/service-balancer.ts";
import type { InstancePlan, Managed, Supervisor } from "../supervisor/supervisor.ts";
import { routeTrafficByApp } from "../traffic/index.ts";

/** The port every instance listens on inside its own network namespace ($PORT), as on Heroku. */
export const INSTANCE_PORT = 5000;

// Rotation changes arrive in bursts (a deploy swaps several instances); one Caddy load covers a
// burst. Each load resets connections Caddy has not yet accepted, so fewer loads lose fewer.
const ROUTE_DEBOUNCE_MS = 150;
// After an instance of an app failed for good, wait this long before the reconciler replaces it.
const REPLACE_FAILED_AFTER_MS = 60_000;

export interface ManagerOptions {
  db: Database;
  supervisor: Supervisor;
  router: Router | null;
  /** Per-app service addresses in nftables (container modes); null: Caddy lists instances itself. */
  balancer: ServiceBalancer | null;
  releases: Releases;
  formation: FormationService;
  reconcileIntervalMs?: number;
  /** Variables every instance gets beneath its app's config (the OTLP endpoint for apps' own telemetry). */
  platformEnv?: (appName: string) => Record<string, string>;
  /** Told after each periodic pass (reconcile, then routes), with its outcome and length. */
  onReconcilePass?: (outcome: "ok" | "failed", seconds: number) => void;
  /** The router's base domain: a custom domain under it (saved before it changed) is not routed. */
  baseDomain?: string;
}

/**
 * Makes what runs match what should run: for each app, the formation of its current release
 * (reconcile), and Caddy's routes the healthy web instances (syncRoutes). A deployment takes an
 * app over while it runs; the reconciler leaves that app alone until it finishes.
 */
export function createRuntimeManager(o: ManagerOptions) {
  const deploying = new Set<string>();
  /** Canary weights per app: release id → weight (absent: all equal). */
  const weights = new Map<string, Map<string, number>>();
  const lastFailure = new Map<string, number>();
  let routeTimer: NodeJS.Timeout | null = null;
  let routesPending: Promise<void> | null = null;
  let loop: NodeJS.Timeout | null = null;
  let stopped = false;

  async function planFor(
    app: { id: string; name: string },
    release: Release,
    f: Pick<ProcessFormation, "processType" | "memoryMb" | "cpuQuota" | "maxProcs"> & Partial<Pick<ProcessFormation, "healthCheck">>,
    options: { healthCheck?: boolean } = {},
  ): Promise<InstancePlan> {
    return {
      appId: app.id,
      appName: app.name,
      release,
      processType: f.processType,
      env: { ...o.platformEnv?.(app.name), ...o.releases.environment(release) },
      limits: instanceLimits(f),
      port: INSTANCE_PORT,
      health:
        options.healthCheck === false ? null : healthCheckFor({ processes: release.processes }, f.processType, f.healthCheck ?? undefined),
    };
  }

  /**
   * Caddy's routes and, with a service balancer, where each app's service address leads. Caddy
   * then only changes when an app gains its first instance or loses its last.
   */
  async function routes(): Promise<{ caddy: AppRoute[]; services: Parameters<ServiceBalancer["apply"]>[0] }> {
    const caddy: AppRoute[] = [];
    const services: Parameters<ServiceBalancer["apply"]>[0] = [];
    const domains = await domainHostnamesByApp(o.db);
    const traffic = await routeTrafficByApp(o.db);
    // One bad hostname would fail the whole config, so one that now clashes with the platform's is left out.
    const domainsOf = (appId: string) =>
      (domains.get(appId) ?? []).filter((d) => !o.baseDomain || !underBaseDomain(d.hostname, o.baseDomain));
    const hostnamesOf = (appId: string) => domainsOf(appId).map((d) => d.hostname);
    // Only a domain whose DNS leads here can pass the ACME CA's HTTP-01 check: the others would only fail.
    const tlsHostnamesOf = (appId: string) => domainsOf(appId).flatMap((d) => (d.dnsOk ? [d.hostname] : []));
    const hstsHostnamesOf = (appId: string) => domainsOf(appId).flatMap((d) => (d.dnsOk && d.hsts ? [d.hostname] : []));
    const apps = await listAppsWithReleases(o.db);
    const maintenance = await routeMaintenanceByApp(o.db, new Map(apps.map((a) => [a.id, a.name])));
    for (const app of apps) {
      const release = app.currentReleaseId ? await findReleaseById(o.db, app.currentReleaseId) : null;
      const rotation = o.supervisor.rotation(app.id).filter((m) => m.address);
      // An app in maintenance shows its page even with no web process to route to.
      if (!release?.processes.web && rotation.length === 0 && !maintenance.has(app.id)) continue;
      const w = weights.get(app.id);
      const weightOf = (m: Managed) => w?.get(m.plan.release.id) ?? undefined;
      if (o.balancer) {
        services.push({
          appId: app.id,
          port: INSTANCE_PORT,
          upstreams: rotation.map((m) => ({ address: m.address ?? "", port: m.port, weight: weightOf(m) })),
        });
        caddy.push({
          appName: app.name,
          hostnames: hostnamesOf(app.id),
          tlsHostnames: tlsHostnamesOf(app.id),
          hstsHostnames: hstsHostnamesOf(app.id),
          upstreams: rotation.length > 0 ? [{ dial: `${o.balancer.addressFor(app.id)}:${INSTANCE_PORT}` }] : [],
          policy: "round_robin",
          // One address in front of many instances: a failed request says nothing about it.
          passiveHealth: false,
          traffic: traffic.get(app.id),
          maintenance: maintenance.get(app.id),
        });
      } else {
        caddy.push({
          appName: app.name,
          hostnames: hostnamesOf(app.id),
          tlsHostnames: tlsHostnamesOf(app.id),
          hstsHostnames: hstsHostnamesOf(app.id),
          upstreams: rotation.map((m) => ({ dial: `${m.address}:${m.port}`, weight: weightOf(m) })),
          policy: w ? "weighted_round_robin" : "round_robin",
          traffic: traffic.get(app.id),
          maintenance: maintenance.get(app.id),
        });
      }
    }
    return { caddy, services };
  }

  let routesDone: (() => void) | null = null;

  async function applyRoutes() {
    const done = routesDone;
    routesPending = null;
    routesDone = null;
    routeTimer = null;
    try {
      const { caddy, services } = await routes();
      // Instances first: a new Caddy route must find its service address already leading somewhere.
      await o.balancer?.apply(services);
      await o.router?.apply(caddy);
    } catch (err) {
      console.error("[router] could not apply routes:", (err as Error).message);
    }
    done?.();
  }

  function syncRoutes(): Promise<void> {
    // Stopped: a later change (instances stopped at shutdown) must not bring Caddy back.
    if (!o.router || stopped) return Promise.resolve();
    routesPending ??= new Promise<void>((resolve) => {
      routesDone = resolve;
      routeTimer = setTimeout(() => void applyRoutes(), ROUTE_DEBOUNCE_MS);
    });
    return routesPending;
  }

  // Reconciles in progress; stop() waits for them, so none starts an instance after it.
  const reconciling = new Set<Promise<void>>();
  function tracked(work: Promise<void>): Promise<void> {
    reconciling.add(work);
    return work.finally(() => reconciling.delete(work));
  }

  function reconcileApp(app: { id: string; name: string; currentReleaseId: string | null }): Promise<void> {
    return tracked(reconcileOne(app));
  }

  async function reconcileOne(app: { id: string; name: string; currentReleaseId: string | null }) {
    if (stopped || deploying.has(app.id)) return;
    const current = app.currentReleaseId ? await findReleaseById(o.db, app.currentReleaseId) : null;
    const mine = o.supervisor.forApp(app.id).filter((m) => !m.retiring && m.state !== "stopped");
    // Instances of other releases (a deploy interrupted by a restart) go.
    for (const m of mine.filter((x) => x.plan.release.id !== current?.id)) await o.supervisor.stop(m.id, { drainMs: 1000 });
    if (!current) return;
    for (const f of await o.formation.current(app.id, current.id)) {
      if (!current.processes[f.processType]) continue;
      const live = mine.filter((m) => m.plan.release.id === current.id && m.plan.processType === f.processType && m.state !== "failed");
      const failed = mine.filter((m) => m.plan.processType === f.processType && m.state === "failed");
      const key = `${app.id}/${f.processType}`;
      if (live.length < f.quantity) {
        // A failing app is not replaced in a tight loop: one more try a minute.
        if (failed.length > 0 && Date.now() - (lastFailure.get(key) ?? 0) < REPLACE_FAILED_AFTER_MS) continue;
        if (failed.length > 0) lastFailure.set(key, Date.now());
        // Started side by side: scaling 1 → 10 should not take ten start-ups in a row.
        const plan = await planFor(app, current, f);
        await Promise.all(
          Array.from({ length: f.quantity - live.length }, () =>
            o.supervisor.start(plan).catch((err) => console.error(`[reconcile] ${app.name}: ${(err as Error).message}`)),
          ),
        );
      } else if (live.length > f.quantity) {
        // The newest go first; the oldest have proved themselves longest.
        for (const m of live.slice(f.quantity).reverse()) await o.supervisor.stop(m.id, { drainMs: 2000 });
      }
      for (const m of failed) o.supervisor.managed.delete(m.id);
    }
  }

  async function reconcileAll() {
    if (stopped) return;
    const apps = await listAppsWithReleases(o.db);
    for (const app of apps) await reconcileApp(app);
    if (stopped) return;
    // A deleted app's instances go too (its rows went with it).
    const known = new Set(apps.map((a) => a.id));
    for (const m of [...o.supervisor.managed.values()]) {
      if (!known.has(m.plan.appId) && !m.retiring) await o.supervisor.stop(m.id, { drainMs: 0 });
    }
    o.balancer?.release(known);
  }

  return {
    planFor,
    syncRoutes,
    reconcileAll,
    reconcileApp,
    deploying,
    weights,

    /** Re-adopts running instances, then converges everything, then keeps converging. */
    async start() {
      // A control plane that lost the lease and takes it again starts its runtime a second time.
      stopped = false;
      await o.supervisor.readopt(async (row) => {
        const release = row.releaseId ? await findReleaseById(o.db, row.releaseId) : null;
        const app = (await listAppsWithReleases(o.db)).find((a) => a.id === row.appId);
        if (!release || !app) return null;
        const f = (await o.formation.current(app.id, app.currentReleaseId)).find((x) => x.processType === row.processType);
        return f ? planFor(app, release, f) : null;
      });
      o.supervisor.startUsageReadings();
      await reconcileAll();
      await syncRoutes();
      loop = setInterval(() => {
        const started = performance.now();
        const seconds = () => (performance.now() - started) / 1000;
        void reconcileAll()
          .then(() => syncRoutes())
          .then(() => o.onReconcilePass?.("ok", seconds()))
          .catch((err) => {
            o.onReconcilePass?.("failed", seconds());
            console.error("[reconcile]", err);
          });
      }, o.reconcileIntervalMs ?? 5000);
      loop.unref();
    },

    async stop() {
      stopped = true;
      if (loop) clearInterval(loop);
      await Promise.allSettled([...reconciling]);
      // A sync still waiting runs now: cancelling it would leave its waiters (a deployment's
      // last step, a drain) waiting for ever, and Caddy one change behind.
      if (routeTimer) {
        clearTimeout(routeTimer);
        await applyRoutes();
      }
      await o.supervisor.detach();
    },

    rotation: (appId: string): Managed[] => o.supervisor.rotation(appId),
  };
}

export type RuntimeManager = ReturnType<typeof createRuntimeManager>;
