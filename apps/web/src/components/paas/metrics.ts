import { formatBytes } from "../../lib/format.ts";

export type MetricsRange = "15m" | "1h" | "6h" | "24h" | "7d";

/** What `metrics.series` answers: one point per time bucket, summed over the app's instances, and the app's requests. */
export interface MetricsSeries {
  range: MetricsRange;
  bucketSeconds: number;
  points: Array<{
    /** Bucket start, epoch ms. */
    t: number;
    /** Sum over instances; 100 is one core. */
    cpuPercent: number | null;
    /** Sum over instances. */
    memoryBytes: number | null;
    netRxBytesPerSec: number | null;
    netTxBytesPerSec: number | null;
    instances: number;
  }>;
  /** Through the router (Caddy's access log), one point per bucket in which requests were counted. */
  requests: Array<{
    /** Bucket start, epoch ms. */
    t: number;
    /** Requests per second over the time counted in the bucket. */
    rate: number;
    /** The collection intervals' percentiles averaged, weighted by requests: an approximation. */
    p50Ms: number | null;
    p95Ms: number | null;
    p99Ms: number | null;
    /** The share of requests answered 5xx, 0–1; null when none were counted by status class. */
    errorRate: number | null;
  }>;
}

export type MetricsPoint = MetricsSeries["points"][number];
export type RequestsPoint = MetricsSeries["requests"][number];

export const METRICS_RANGES: { range: MetricsRange; label: string; name: string }[] = [
  { range: "15m", label: "15 m", name: "Last 15 minutes" },
  { range: "1h", label: "1 h", name: "Last hour" },
  { range: "6h", label: "6 h", name: "Last 6 hours" },
  { range: "24h", label: "24 h", name: "Last 24 hours" },
  { range: "7d", label: "7 d", name: "Last 7 days" },
];

export const DEFAULT_METRICS_RANGE: MetricsRange = "1h";

const clock = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const clockWithSeconds = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
const dayAndClock = new Intl.DateTimeFormat("en", { weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const full = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium" });

/** An axis tick: the clock within a day, the weekday as well over a week. */
export function formatTick(t: number, range: MetricsRange): string {
  if (range === "15m") return clockWithSeconds.format(t);
  if (range === "7d") return dayAndClock.format(t);
  return clock.format(t);
}

/** A tooltip's heading: the bucket's full date and time. */
export function formatBucket(t: number): string {
  return full.format(t);
}

export function formatCpu(percent: number): string {
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent)} %`;
}

export function formatMemory(bytes: number): string {
  return formatBytes(Math.round(bytes));
}

export function formatRate(bytesPerSec: number): string {
  return `${formatBytes(Math.round(bytesPerSec))}/s`;
}

export function formatRequestRate(perSec: number): string {
  return `${perSec < 10 ? Number(perSec.toFixed(2)) : Math.round(perSec)} req/s`;
}

/** A share (0–1) as a percentage; small ones keep two decimals, so a few errors never read as 0 %. */
export function formatShare(share: number): string {
  const percent = share * 100;
  if (percent === 0) return "0 %";
  if (percent < 1) return `${Number(percent.toFixed(2))} %`;
  return `${percent < 10 ? Number(percent.toFixed(1)) : Math.round(percent)} %`;
}

export function formatDuration(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(2))} s`;
  return `${ms < 10 ? Number(ms.toFixed(1)) : Math.round(ms)} ms`;
}
