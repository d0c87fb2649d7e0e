// Each app's metrics, labelled app, process_type and instance.
//
// Resource use is read on scrape from the instances' rows, where the supervisor writes its latest
// reading every 10 s: reading the cgroups again here would be no fresher than that in practice,
// and would move the baseline the supervisor measures CPU percentages against (a reading is
// relative to the previous one). One indexed query over the live instances is cheap, counts the
// instances of every control plane sharing the database, and leaves the readings undisturbed.
//
// Requests are counted in process as the request collector reads Caddy's access log. Caddy sees
// an app's web instances behind one service address (container modes), so it cannot tell which
// instance answered: request series carry app and process_type ("web", the only routed type),
// and no instance label.
import type { InstanceReading } from "@skypanel/db/queries";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { STATUS_CLASSES, statusClass } from "../requests.ts";

const INSTANCE_LABELS = ["app", "process_type", "instance"] as const;
/** Routes send requests to web processes only. */
const ROUTED_PROCESS_TYPE = "web";
/** Seconds; the usual spread of web response times. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createAppInstruments(registry: Registry) {
  const registers = [registry];
  const cpu = new Counter({
    name: "skypanel_app_cpu_seconds_total",
    help: "CPU time an instance has used since it started (its cgroup), as of its latest reading.",
    labelNames: INSTANCE_LABELS,
    registers,
  });
  const memory = new Gauge({
    name: "skypanel_app_memory_bytes",
    help: "Memory an instance uses (its cgroup), as of its latest reading.",
    labelNames: INSTANCE_LABELS,
    registers,
  });
  const rx = new Counter({
    name: "skypanel_app_network_receive_bytes_total",
    help: "Bytes an instance has received on its own network interface.",
    labelNames: INSTANCE_LABELS,
    registers,
  });
  const tx = new Counter({
    name: "skypanel_app_network_transmit_bytes_total",
    help: "Bytes an instance has sent on its own network interface.",
    labelNames: INSTANCE_LABELS,
    registers,
  });
  const restarts = new Counter({
    name: "skypanel_app_restarts_total",
    help: "Times the platform restarted an instance after it exited.",
    labelNames: INSTANCE_LABELS,
    registers,
  });
  const requests = new Counter({
    name: "skypanel_app_requests_total",
    help: "Requests to an app through the router, by status class (1xx, a WebSocket's upgrade, is not a class here).",
    labelNames: ["app", "process_type", "status_class"] as const,
    registers,
  });
  const latency = new Histogram({
    name: "skypanel_app_request_duration_seconds",
    help: "Response times of an app's requests through the router (WebSocket connections are not timed).",
    labelNames: ["app", "process_type"] as const,
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const counted = new Set<string>();

  return {
    /** One request read from the access log. */
    request(appName: string, status: number, durationMs: number | null) {
      const process_type = ROUTED_PROCESS_TYPE;
      if (!counted.has(appName)) {
        counted.add(appName);
        // Every class from 0, so an app's error rate reads 0 (not missing) before its first 5xx.
        for (const status_class of STATUS_CLASSES) requests.inc({ app: appName, process_type, status_class }, 0);
      }
      const cls = statusClass(status);
      if (cls) requests.inc({ app: appName, process_type, status_class: cls });
      if (durationMs !== null) latency.observe({ app: appName, process_type }, durationMs / 1000);
    },

    /** The live instances' readings replace the last ones: a gone instance's series end. */
    setReadings(readings: InstanceReading[]) {
      for (const m of [cpu, memory, rx, tx, restarts]) m.reset();
      for (const r of readings) {
        const labels = { app: r.appName, process_type: r.processType, instance: r.instanceId };
        // Counters here mirror the kernel's cumulative numbers: reset above, set by one inc.
        if (r.cpuSeconds !== null) cpu.inc(labels, r.cpuSeconds);
        if (r.memoryBytes !== null) memory.set(labels, r.memoryBytes);
        if (r.netRxBytes !== null) rx.inc(labels, r.netRxBytes);
        if (r.netTxBytes !== null) tx.inc(labels, r.netTxBytes);
        restarts.inc(labels, r.restarts);
      }
    },

    /** Request series of apps deleted or renamed since are dropped. */
    keepApps(names: ReadonlySet<string>) {
      for (const app of [...counted]) {
        if (names.has(app)) continue;
        counted.delete(app);
        for (const status_class of STATUS_CLASSES) requests.remove({ app, process_type: ROUTED_PROCESS_TYPE, status_class });
        latency.remove({ app, process_type: ROUTED_PROCESS_TYPE });
      }
    },
  };
}

export type AppInstruments = ReturnType<typeof createAppInstruments>;
