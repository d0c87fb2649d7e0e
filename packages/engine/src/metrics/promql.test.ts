// The PromQL reader against a stand-in HTTP server on loopback, for what the real Prometheus
// never does (answer garbage, too much, too slowly) and to see exactly what is asked. The real
// Prometheus answering the dashboard's query is apps/bff/src/embedded-prometheus.test.ts.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrometheusUnavailableError, promqlMetrics } from "./promql.ts";

type Handler = (url: URL) => { status?: number; body: string; delayMs?: number };

describe("promqlMetrics against a stand-in server (the real Prometheus never answers these)", () => {
  let server: Server;
  let url: string;
  let handler: Handler = () => ({ body: "" });
  const asked: URL[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const u = new URL(req.url ?? "/", "http://x");
      asked.push(u);
      const answer = handler(u);
      setTimeout(() => res.writeHead(answer.status ?? 200, { "content-type": "application/json" }).end(answer.body), answer.delayMs ?? 0);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections would hold close() open for seconds.
    server.closeAllConnections();
    await closed;
  });

  // 12:00:07 UTC on some day: 7 s into a 10 s bucket.
  const now = Date.UTC(2026, 11, 6, 12, 0, 7);
  const reader = (extra: Partial<Parameters<typeof promqlMetrics>[0]> = {}) =>
    promqlMetrics({ url, scrapeIntervalSeconds: 2, now: () => now, timeoutMs: 1000, ...extra });

  const matrix = (values: [number, string][]) =>
    JSON.stringify({ status: "success", data: { resultType: "matrix", result: [{ metric: {}, values }] } });
  const vector = (value: string) =>
    JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [now / 1000, value] }] } });

  it("asks for bucket ends over windows a scrape longer than the bucket, the filling bucket at now, and maps NaN to null", async () => {
    asked.length = 0;
    const end = now / 1000 - 7;
    handler = (u) => {
      const q = u.searchParams.get("query") ?? "";
      if (u.pathname === "/api/v1/query_range") return { body: matrix([[end, q.startsWith("histogram_quantile(0.5") ? "NaN" : "3"]]) };
      return { body: vector(q.startsWith("histogram_quantile(0.5") ? "12.5" : "4") };
    };
    const points = await reader().requests("shop", 900, 10);
    expect(points).toEqual([
      { t: (end - 10) * 1000, rate: 3, p50Ms: null, p95Ms: 3, p99Ms: 3, errorRate: 3 },
      { t: end * 1000, rate: 4, p50Ms: 12.5, p95Ms: 4, p99Ms: 4, errorRate: 4 },
    ]);
    const ranges = asked.filter((u) => u.pathname === "/api/v1/query_range");
    expect(ranges.length).toBe(5);
    for (const u of ranges) {
      expect(u.searchParams.get("step")).toBe("10");
      expect(u.searchParams.get("end")).toBe(String(end));
      expect(u.searchParams.get("start")).toBe(String(end - 890));
      expect(u.searchParams.get("timeout")).toBe("1s");
      // 10 s buckets, 2 s scrapes: max(10, 4 × 2) + 2.
      expect(u.searchParams.get("query")).toContain("[12s]");
      expect(u.searchParams.get("query")).toContain('{app="shop"');
    }
    // The filling bucket: 7 s elapsed, so max(7, 8) + 2.
    for (const u of asked.filter((x) => x.pathname === "/api/v1/query")) {
      expect(u.searchParams.get("time")).toBe(String(now / 1000));
      expect(u.searchParams.get("query")).toContain("[10s]");
    }
  });

  it("makes a point only where an instance was seen", async () => {
    handler = (u) => {
      const q = u.searchParams.get("query") ?? "";
      if (u.pathname === "/api/v1/query_range") return { body: matrix([[now / 1000 - 17, q.startsWith("count(") ? "2" : "5"]]) };
      // Now: no instance (an empty vector), so no point, whatever else answers.
      return {
        body: q.startsWith("count(") ? JSON.stringify({ status: "success", data: { resultType: "vector", result: [] } }) : vector("1"),
      };
    };
    expect(await reader().points("shop", 900, 10)).toEqual([
      { t: (now / 1000 - 27) * 1000, cpuPercent: 5, memoryBytes: 5, netRxBytesPerSec: 5, netTxBytesPerSec: 5, instances: 2 },
    ]);
  });

  it("gives a clear error for an answer that is not a query result, too big, too slow, refused, or an error", async () => {
    const cases: [Handler, RegExp][] = [
      [() => ({ body: "<html>proxy error</html>" }), /HTTP 200 with a body that is not JSON/],
      [() => ({ body: JSON.stringify({ status: "success", data: { resultType: "string", result: "x" } }) }), /not a query result/],
      [
        () => ({ body: JSON.stringify({ status: "success", data: { resultType: "matrix", result: [{ values: [["x", 1]] }] } }) }),
        /not a query result/,
      ],
      [() => ({ status: 503, body: "{}" }), /HTTP 503/],
      [
        () => ({ status: 400, body: JSON.stringify({ status: "error", errorType: "bad_data", error: "parse error" }) }),
        /refused the query: parse error/,
      ],
      [() => ({ body: `"${"x".repeat(5000)}"` }), /an answer larger than 4096 bytes/],
      [() => ({ body: vector("1"), delayMs: 1500 }), /no answer within 1000 ms/],
    ];
    for (const [h, message] of cases) {
      handler = h;
      const read = reader({ maxResponseBytes: 4096 }).requests("shop", 900, 10);
      await expect(read, String(message)).rejects.toThrow(PrometheusUnavailableError);
      await expect(read, String(message)).rejects.toThrow(message);
    }
    // A port nothing listens on: this server's, once closed.
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, "127.0.0.1", resolve));
    const port = (spare.address() as AddressInfo).port;
    await new Promise<void>((resolve) => spare.close(() => resolve()));
    const closed = promqlMetrics({ url: `http://127.0.0.1:${port}`, scrapeIntervalSeconds: 10 });
    await expect(closed.points("shop", 900, 10)).rejects.toThrow(`127.0.0.1:${port} could not be read (nothing listens there)`);
  });
});
