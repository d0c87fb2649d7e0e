// What a policy's metric reads now. CPU and memory are the process type's instances' recent
// samples in % of their limit; rps and p95 come from the router's rows (web only); custom is the
// latest value pushed through the API, while it is fresh.
import type { Database, ScalingPolicy } from "@skypanel/db";
import { instanceUsage, routerTraffic } from "@skypanel/db/queries";
import type { ProcessFormation } from "../formation/index.ts";

export type Signal = { value: number; detail: string } | { missing: "stale" | "no_data"; detail: string };

export interface CustomValue {
  value: number;
  at: number;
}

export interface SignalContext {
  db: Database;
  appId: string;
  policy: Pick<ScalingPolicy, "processType" | "metric">;
  formation: Pick<ProcessFormation, "quantity" | "cpuQuota" | "memoryMb">;
  /** Samples and router rows this recent are read. */
  windowSeconds: number;
  custom: CustomValue | undefined;
  customFreshMs: number;
  now: number;
}

const round = (n: number, digits = 1) => Number(n.toFixed(digits));

export async function readSignal(c: SignalContext): Promise<Signal> {
  const { metric, processType } = c.policy;
  const instances = Math.max(1, c.formation.quantity);
  switch (metric) {
    case "cpu":
    case "memory": {
      const usage = await instanceUsage(c.db, c.appId, processType, c.windowSeconds);
      if (metric === "cpu") {
        if (usage.cpuPercent === null)
          return { missing: "no_data", detail: `no CPU sample of ${processType} in the last ${c.windowSeconds} s` };
        const value = usage.cpuPercent / c.formation.cpuQuota;
        return { value, detail: `CPU ${round(value)} % of the limit` };
      }
      if (usage.memoryBytes === null)
        return { missing: "no_data", detail: `no memory sample of ${processType} in the last ${c.windowSeconds} s` };
      const value = (usage.memoryBytes / (c.formation.memoryMb * 1024 * 1024)) * 100;
      return { value, detail: `memory ${round(value)} % of the limit` };
    }
    case "rps":
    case "p95": {
      const traffic = await routerTraffic(c.db, c.appId, c.windowSeconds);
      if (traffic.requestsPerSecond === null) return { missing: "no_data", detail: `no router count in the last ${c.windowSeconds} s` };
      if (metric === "rps") {
        const value = traffic.requestsPerSecond / instances;
        return {
          value,
          detail: `${round(value)} requests/s per instance (${round(traffic.requestsPerSecond)}/s over ${c.formation.quantity})`,
        };
      }
      // No request, no latency to answer for: idle counts as 0 ms, so an idle app scales down.
      if (traffic.requests === 0) return { value: 0, detail: "no requests (p95 0 ms)" };
      if (traffic.p95Ms === null) return { missing: "no_data", detail: "no timed request" };
      return { value: traffic.p95Ms, detail: `p95 ${round(traffic.p95Ms)} ms` };
    }
    case "custom": {
      if (!c.custom) return { missing: "stale", detail: "no custom value pushed yet" };
      const age = c.now - c.custom.at;
      if (age > c.customFreshMs) {
        return { missing: "stale", detail: `the custom value is ${Math.round(age / 1000)} s old (fresh for ${c.customFreshMs / 1000} s)` };
      }
      return { value: c.custom.value, detail: `custom ${c.custom.value}` };
    }
  }
}
