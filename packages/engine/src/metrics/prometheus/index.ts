// The Prometheus exposition of one control plane: a registry of its own (never prom-client's
// global one, so two engines in one process, as in tests, keep their numbers apart), fed by the
// BFF's HTTP layer, the engine's events, the router, the reconciler and the request collector,
// and topped up from the database on each scrape.
import type { Database } from "@skypanel/db";
import { allAppNames, instanceReadings, unfinishedJobCounts } from "@skypanel/db/queries";
import { Counter, collectDefaultMetrics, Registry } from "prom-client";
import type { EventBus } from "../../events/index.ts";
import type { RouterEvent } from "../../router/index.ts";
import { createAppInstruments } from "./apps.ts";
import { createPlatformInstruments } from "./platform.ts";

const NON_COUNTER_TOTALS = ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"];

export interface PlatformMetricsOptions {
  db: Database;
  /** Builds and deployments are counted as their events reach an outcome. */
  bus: EventBus;
  onError?: (error: unknown) => void;
}

export function createPlatformMetrics(o: PlatformMetricsOptions) {
  const registry = new Registry();
  const platform = createPlatformInstruments(registry);
  const apps = createAppInstruments(registry);
  const readErrors = new Counter({
    name: "skypanel_metrics_read_errors_total",
    help: "Scrapes whose database reads failed; they answered with the values read before.",
    registers: [registry],
  });
  // Each control plane counts the outcomes it announced, so summing the planes counts each once.
  const unsubscribe = o.bus.subscribe((event) => platform.platformEvent(event), { localOnly: true });
  // Node's process metrics (CPU, memory, event loop lag) start with the first scrape: an engine
  // nobody scrapes (most tests) sets up no observers.
  let defaultsOn = false;

  /** Reads what lives in the database: live instances, the job queue, the apps' names. */
  async function refresh() {
    const [readings, jobs, names] = await Promise.all([instanceReadings(o.db), unfinishedJobCounts(o.db), allAppNames(o.db)]);
    apps.setReadings(readings);
    platform.setJobCounts(jobs);
    apps.keepApps(new Set(names));
  }

  return {
    registry,
    contentType: registry.contentType,

    /** The text exposition, database-backed values read afresh. */
    async metrics(): Promise<string> {
      if (!defaultsOn) {
        defaultsOn = true;
        collectDefaultMetrics({ register: registry });
        // Gauges named like counters, which Prometheus's linter (promtool) rejects; the same
        // numbers remain by type in nodejs_active_handles, _requests and _resources.
        for (const name of NON_COUNTER_TOTALS) registry.removeSingleMetric(name);
      }
      await refresh().catch((error) => {
        readErrors.inc();
        o.onError?.(error);
      });
      return registry.metrics();
    },

    /** The BFF's HTTP layer: `route` is the registered route that answered, never the raw path. */
    httpRequest: platform.httpRequest,
    trpcCall: platform.trpcCall,
    /** The request collector, per access log line of an app. */
    appRequest: apps.request,
    routerEvent: (event: RouterEvent) => platform.routerEvent(event),
    reconcilePass: platform.reconcilePass,

    close() {
      unsubscribe();
    },
  };
}

export type PlatformMetrics = ReturnType<typeof createPlatformMetrics>;
