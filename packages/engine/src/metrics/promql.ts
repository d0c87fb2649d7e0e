// An app's metrics read from Prometheus (SKYPANEL_PROMETHEUS=1) instead of the database, in the
// shape the database path answers: one point per bucket, t the bucket's start. Each bucket is
// evaluated at its end over a window one scrape interval longer than the bucket, so an increase
// between the last sample of one bucket and the first of the next is counted; the bucket still
// filling is evaluated at now over the time elapsed in it, so it is not shown low.
//
// The request series differ from the database's in two ways the charts can live with: WebSocket
// upgrades (1xx) are in no status class, so they are not in the rate; and p50/p95/p99 come from
// the latency histogram's buckets (histogram_quantile), not from averaged per-interval percentiles.
import type { MetricsPoint, RequestsPoint } from "@skypanel/db/queries";
import { z } from "zod";
import { EngineError } from "../errors.ts";

export interface PromqlOptions {
  /** Prometheus's base URL, like http://127.0.0.1:9090. */
  url: string;
  /** How often Prometheus scrapes the platform: the windows are at least four of them. */
  scrapeIntervalSeconds: number;
  /** Per request to Prometheus (it is also told to give up after this long). Default 5 s. */
  timeoutMs?: number;
  /** Largest answer read from Prometheus. Default 2 MiB. */
  maxResponseBytes?: number;
  now?: () => number;
}

/** Where the metrics of an app come from: the database, or Prometheus. */
export interface MetricsSource {
  points(appName: string, seconds: number, bucketSeconds: number): Promise<MetricsPoint[]>;
  requests(appName: string, seconds: number, bucketSeconds: number): Promise<RequestsPoint[]>;
}

/** Prometheus did not answer, or answered something that is not a query result. */
export class PrometheusUnavailableError extends EngineError {
  constructor(url: string, why: string) {
    super(
      "PRECONDITION_FAILED",
      `The platform's Prometheus at ${url} could not be read (${why}); with SKYPANEL_PROMETHEUS=1 the charts come from it. The platform's log says why it is down; it restarts it on its own.`,
    );
  }
}

const sample = z.tuple([z.number(), z.string().max(64)]);
/** A query answer; every query here aggregates to one series, so a few are plenty. */
const answerSchema = z.object({
  status: z.literal("success"),
  data: z.discriminatedUnion("resultType", [
    z.object({ resultType: z.literal("matrix"), result: z.array(z.object({ values: z.array(sample).max(2000) })).max(8) }),
    z.object({ resultType: z.literal("vector"), result: z.array(z.object({ value: sample })).max(8) }),
  ]),
});
const errorSchema = z.object({ status: z.literal("error"), error: z.string().max(2000) });

/** t (epoch ms) → value; NaN and ±Inf (a quantile or ratio of no requests) are left out. */
type Series = Map<number, number>;
type Query = (window: string) => string;

/** `{app="…"}`, the name quoted as PromQL strings are (app names are [a-z0-9-] anyway). */
const appMatcher = (app: string, extra = "") => `{app=${JSON.stringify(app)}${extra}}`;

function appQueries(app: string) {
  const m = (extra?: string) => appMatcher(app, extra);
  const rate =
    (name: string, extra?: string): Query =>
    (w) =>
      `sum(rate(${name}${m(extra)}[${w}]))`;
  const quantile =
    (q: number): Query =>
    (w) =>
      `histogram_quantile(${q}, sum by (le) (rate(skypanel_app_request_duration_seconds_bucket${m()}[${w}]))) * 1000`;
  return {
    // Over rate windows: counters.
    cpuPercent: ((w) => `${rate("skypanel_app_cpu_seconds_total")(w)} * 100`) as Query,
    netRxBytesPerSec: rate("skypanel_app_network_receive_bytes_total"),
    netTxBytesPerSec: rate("skypanel_app_network_transmit_bytes_total"),
    rate: rate("skypanel_app_requests_total"),
    errorRate: ((w) =>
      `${rate("skypanel_app_requests_total", ',status_class="5xx"')(w)} / ${rate("skypanel_app_requests_total")(w)}`) as Query,
    p50Ms: quantile(0.5),
    p95Ms: quantile(0.95),
    p99Ms: quantile(0.99),
    // Over gauge windows: each instance's average in the bucket, summed; the instances seen in it.
    memoryBytes: ((w) => `sum(avg_over_time(skypanel_app_memory_bytes${m()}[${w}]))`) as Query,
    instances: ((w) => `count(count_over_time(skypanel_app_restarts_total${m()}[${w}]))`) as Query,
  };
}

type Field = keyof ReturnType<typeof appQueries>;
const GAUGE_FIELDS = new Set<Field>(["memoryBytes", "instances"]);

export function promqlMetrics(o: PromqlOptions): MetricsSource {
  const base = o.url.replace(/\/+$/, "");
  const timeoutMs = o.timeoutMs ?? 5000;
  const maxBytes = o.maxResponseBytes ?? 2 * 1024 * 1024;
  const now = o.now ?? Date.now;
  const scrape = o.scrapeIntervalSeconds;

  /** The window a value over `seconds` of a bucket is read with. */
  const windowOf = (field: Field, seconds: number) =>
    `${Math.ceil(GAUGE_FIELDS.has(field) ? Math.max(seconds, scrape) : Math.max(seconds, 4 * scrape) + scrape)}s`;

  async function get(path: string, params: Record<string, string>): Promise<z.infer<typeof answerSchema>["data"]> {
    const url = `${base}${path}?${new URLSearchParams({ ...params, timeout: `${Math.ceil(timeoutMs / 1000)}s` })}`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
    } catch (err) {
      const e = err as Error;
      throw new PrometheusUnavailableError(base, e.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : describeFetchError(e));
    }
    const text = await readCapped(res, maxBytes).catch((err: Error) => {
      throw new PrometheusUnavailableError(base, err.message);
    });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new PrometheusUnavailableError(base, `HTTP ${res.status} with a body that is not JSON`);
    }
    const failed = errorSchema.safeParse(body);
    if (failed.success) throw new PrometheusUnavailableError(base, `it refused the query: ${failed.data.error}`);
    const answer = answerSchema.safeParse(body);
    if (!answer.success || res.status !== 200)
      throw new PrometheusUnavailableError(base, `HTTP ${res.status} with an answer that is not a query result`);
    return answer.data.data;
  }

  /** Complete buckets by query_range at their ends, the filling one by an instant query at now. */
  async function series(field: Field, query: Query, seconds: number, bucket: number, nowMs: number): Promise<Series> {
    const current = Math.floor(nowMs / 1000 / bucket) * bucket;
    const first = Math.floor((nowMs / 1000 - seconds) / bucket) * bucket;
    const out: Series = new Map();
    const [range, instant] = await Promise.all([
      current > first
        ? get("/api/v1/query_range", {
            query: query(windowOf(field, bucket)),
            start: String(first + bucket),
            end: String(current),
            step: String(bucket),
          })
        : null,
      get("/api/v1/query", { query: query(windowOf(field, nowMs / 1000 - current)), time: String(nowMs / 1000) }),
    ]);
    if (range?.resultType === "matrix") for (const [t, v] of range.result[0]?.values ?? []) put(out, (t - bucket) * 1000, v);
    if (instant.resultType === "vector" && instant.result[0]) put(out, current * 1000, instant.result[0].value[1]);
    return out;
  }

  async function fields<F extends Field>(app: string, names: F[], seconds: number, bucket: number) {
    const queries = appQueries(app);
    // One "now" for all: series read at different instants would not line up (nor divide exactly).
    const at = now();
    const all = await Promise.all(names.map((f) => series(f, queries[f], seconds, bucket, at)));
    return Object.fromEntries(names.map((f, i) => [f, all[i] as Series])) as Record<F, Series>;
  }

  return {
    async points(app, seconds, bucket) {
      const s = await fields(app, ["instances", "cpuPercent", "memoryBytes", "netRxBytesPerSec", "netTxBytesPerSec"], seconds, bucket);
      // A bucket is a point where an instance was seen, as in the database path.
      return [...s.instances.entries()]
        .filter(([, n]) => n > 0)
        .sort(([a], [b]) => a - b)
        .map(([t, n]) => ({
          t,
          cpuPercent: s.cpuPercent.get(t) ?? null,
          memoryBytes: s.memoryBytes.get(t) ?? null,
          netRxBytesPerSec: s.netRxBytesPerSec.get(t) ?? null,
          netTxBytesPerSec: s.netTxBytesPerSec.get(t) ?? null,
          instances: n,
        }));
    },

    async requests(app, seconds, bucket) {
      const s = await fields(app, ["rate", "errorRate", "p50Ms", "p95Ms", "p99Ms"], seconds, bucket);
      // A bucket is a point once the app has had its first request (its counters exist).
      return [...s.rate.entries()]
        .sort(([a], [b]) => a - b)
        .map(([t, rate]) => ({
          t,
          rate,
          p50Ms: s.p50Ms.get(t) ?? null,
          p95Ms: s.p95Ms.get(t) ?? null,
          p99Ms: s.p99Ms.get(t) ?? null,
          errorRate: s.errorRate.get(t) ?? null,
        }));
    },
  };
}

function put(out: Series, t: number, value: string) {
  const v = Number(value);
  if (Number.isFinite(v)) out.set(t, v);
}

function describeFetchError(err: Error): string {
  const cause = err.cause as { code?: string; message?: string } | undefined;
  return cause?.code === "ECONNREFUSED" ? "nothing listens there" : (cause?.code ?? cause?.message ?? err.message);
}

/** The body as text, refused once it passes `max` bytes. */
async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    // Throwing leaves the loop, which cancels the rest of the body.
    if (size > max) throw new Error(`an answer larger than ${max} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
