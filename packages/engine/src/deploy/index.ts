// Running apps: the supervisor over the container runtime, Caddy in front, the reconciler that
// keeps formations, and deployments that move an app from one release to the next.
import { join } from "node:path";
import type { Database } from "@skypanel/db";
import { findReleaseById, listAppsWithReleases } from "@skypanel/db/queries";
import type { EventBus } from "../events/bus.ts";
import type { FormationService } from "../formation/index.ts";
import type { LogStore } from "../logs/index.ts";
import { createRequestCollector, type PlatformMetrics } from "../metrics/index.ts";
import { addGeneration, type NixEnv } from "../nix/index.ts";
import type { Releases } from "../releases/index.ts";
import { DEFAULT_BASE_DOMAIN, DEFAULT_HTTP_PORT } from "../router/caddy-config.ts";
import {
  type CaddyBuild,
  caddyPaths,
  createRouter,
  type Router,
  type RouterEvent,
  type RouterTls,
  routerEventLogger,
} from "../router/index.ts";
import { createServiceBalancer } from "../router/service-balancer.ts";
import { createRuntime, type RuntimeMode } from "../runtime/index.ts";
import { createSupervisor } from "../supervisor/supervisor.ts";
import type { Tracing } from "../tracing/index.ts";
import { wafMatchLogger } from "../traffic/index.ts";
import { type DeployOptions, runDeployment } from "./deployer.ts";
import { createRuntimeManager } from "./manager.ts";
import { recordRouterTrouble } from "./router-activity.ts";

export { type DeployOptions, STRATEGIES, type Strategy } from "./deployer.ts";
export { INSTANCE_PORT } from "./manager.ts";
export { BUILD_BRANCHES, createPushes, type Pushes, type PushOutcome } from "./pushes.ts";
export { createDeployments, DeploymentNotFoundError, type Deployments, type NewDeployment } from "./service.ts";
export type { DeployStep } from "./steps.ts";
export { CriticalFindingsError, checkOverrideReason, guardBuildDeploy, OVERRIDE_REASON_MAX } from "./vulnerability-policy.ts";

export interface RunningOptions {
  mode: RuntimeMode;
  router:
    | false
    | {
        httpPort?: number;
        baseDomain?: string;
        tls?: RouterTls;
        localTls?: { httpsPort: number };
        /** Which Caddy to run (router/custom-caddy.ts chooses); default Debian's `caddy` from PATH. */
        caddy?: { build: CaddyBuild; binary: string };
      };
  cgroupParent?: string;
  reconcileIntervalMs?: number;
  deploy?: DeployOptions;
  /** How often instances are sampled and router requests counted (default 10 s; the autoscaler reads these). */
  metricsIntervalMs?: number;
}

// Instances are sampled and requests counted on the same tick, so their charts line up.
const METRICS_INTERVAL_MS = 10_000;

function routerFor(
  { caddy, ...settings }: Exclude<RunningOptions["router"], false>,
  home: string,
  accessLogFile: string,
  onEvent: (event: RouterEvent) => void,
): Router {
  return createRouter({
    home,
    settings: { ...settings, accessLogFile, caddyBuild: caddy?.build ?? "debian" },
    caddyBinary: caddy?.binary,
    onEvent,
  });
}

export function createRunningApps(
  o: RunningOptions,
  x: {
    db: Database;
    home: string;
    bus: EventBus;
    logStore: LogStore;
    releases: Releases;
    formation: FormationService;
    nixEnv: () => Promise<NixEnv>;
    tracing?: Tracing;
    prometheus?: PlatformMetrics;
  },
) {
  const runtime = createRuntime({ cgroupParent: o.cgroupParent });
  const accessLogFile = join(caddyPaths(x.home).dir, "access.log");
  const logRouterEvent = routerEventLogger();
  const onRouterEvent = (event: RouterEvent) => {
    logRouterEvent(event);
    x.prometheus?.routerEvent(event);
    if (!router) return;
    recordRouterTrouble(x.db, router.routedHosts().values(), event).catch((err) =>
      console.error("[router] could not record the event in the apps' activity:", (err as Error).message),
    );
  };
  const router: Router | null = o.router === false ? null : routerFor(o.router, x.home, accessLogFile, onRouterEvent);
  const requests = router
    ? createRequestCollector({
        db: x.db,
        logPath: accessLogFile,
        intervalMs: o.metricsIntervalMs ?? METRICS_INTERVAL_MS,
        routedHosts: () => router.routedHosts(),
        onError: (err) => console.error("[metrics] request counts:", (err as Error).message),
        onRequest: x.prometheus?.appRequest,
        onWafMatch: wafMatchLogger(x.db, x.logStore),
      })
    : null;
  // Containers have addresses of their own, so nftables can spread an app's connections over
  // them behind one service address; process mode lists its 127.0.0.1 ports in Caddy instead.
  const balancer =
    router && o.mode !== "process" ? createServiceBalancer({ runDir: "/run/skypanel", owner: o.cgroupParent ?? "skypanel" }) : null;
  // The supervisor tells the manager about rotation changes; the manager exists right after.
  let syncRoutes: () => Promise<void> = async () => {};
  const supervisor = createSupervisor({
    db: x.db,
    runtime,
    mode: o.mode,
    logStore: x.logStore,
    bus: x.bus,
    onRotationChange: () => syncRoutes(),
    usageIntervalMs: o.metricsIntervalMs ?? METRICS_INTERVAL_MS,
  });
  const manager = createRuntimeManager({
    db: x.db,
    supervisor,
    router,
    balancer,
    releases: x.releases,
    formation: x.formation,
    reconcileIntervalMs: o.reconcileIntervalMs,
    platformEnv: x.tracing?.appEnvironment,
    onReconcilePass: x.prometheus?.reconcilePass,
    baseDomain: o.router === false ? undefined : (o.router.baseDomain ?? DEFAULT_BASE_DOMAIN),
  });
  syncRoutes = manager.syncRoutes;

  return {
    supervisor,
    manager,
    router,
    /** For one-off processes, which the supervisor does not keep running. */
    runtime,

    /** The job handler of deployments. */
    run: (deploymentId: string, signal: AbortSignal) =>
      runDeployment(
        {
          db: x.db,
          bus: x.bus,
          logStore: x.logStore,
          releases: x.releases,
          formation: x.formation,
          supervisor,
          manager,
          defaults: o.deploy,
          tracing: x.tracing,
          onReleased: async (appName, release) => {
            if (!release.storePath) return;
            await addGeneration(await x.nixEnv(), appName, release.storePath);
          },
        },
        deploymentId,
        signal,
      ),

    /** Reconciles one app now (after scaling). */
    async reconcile(appId: string) {
      const app = (await listAppsWithReleases(x.db)).find((a) => a.id === appId);
      if (app) await manager.reconcileApp(app);
      await manager.syncRoutes();
    },

    async start() {
      // Counting starts at the access log's end: what Caddy logged while no control plane ran is not counted.
      await requests?.start();
      if (router) {
        await router.reconcile();
        router.start();
      }
      await manager.start();
    },

    /** Leaves apps and Caddy serving; the next start re-adopts both. */
    async stop() {
      await manager.stop();
      router?.detach();
      await requests?.stop();
    },

    /** Stops every instance and Caddy, also ones adopted from an earlier run (tests, uninstall). */
    async shutdown() {
      await manager.stop();
      for (const m of [...supervisor.managed.values()]) await supervisor.stop(m.id, { drainMs: 0 });
      await router?.stop({ adopted: true });
      await requests?.stop();
      await balancer?.remove();
    },

    findRelease: (id: string) => findReleaseById(x.db, id),

    /** Where an app answers through Caddy; null when the platform routes nothing. */
    appUrl(appName: string): string | null {
      if (o.router === false) return null;
      return `http://${appName}.${o.router.baseDomain ?? DEFAULT_BASE_DOMAIN}:${o.router.httpPort ?? DEFAULT_HTTP_PORT}/`;
    },

    mode: o.mode,
  };
}

export type RunningApps = ReturnType<typeof createRunningApps>;
