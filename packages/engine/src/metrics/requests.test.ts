import { describe, expect, it } from "vitest";
import { createRequestTally, percentile, statusClass } from "./requests.ts";

describe("percentile (nearest rank)", () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it("takes the value at rank ceil(p/100 · n)", () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 95)).toBe(95);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([1, 2], 0)).toBe(1);
    expect(percentile([1, 2], 100)).toBe(2);
  });

  it("refuses an empty list rather than inventing a number", () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
  });
});

describe("statusClass", () => {
  it("puts 200–599 in their classes, and nothing else in any", () => {
    expect([200, 299, 300, 399, 400, 499, 500, 599].map(statusClass)).toEqual(["2xx", "2xx", "3xx", "3xx", "4xx", "4xx", "5xx", "5xx"]);
    expect([0, 101, 199, 600, 999].map(statusClass)).toEqual([null, null, null, null, null]);
  });
});

describe("request tally", () => {
  /** A drained row: `classes` 2xx…5xx, then p50/p95/p99. */
  const row = (appName: string, requestCount: number, classes: number[], p: (number | null)[] = [null, null, null]) => ({
    appName,
    requestCount,
    p50Ms: p[0],
    p95Ms: p[1],
    p99Ms: p[2],
    requests2xx: classes[0],
    requests3xx: classes[1],
    requests4xx: classes[2],
    requests5xx: classes[3],
  });

  it("counts each app's requests, by status class, and their p50/p95/p99, then starts afresh", () => {
    const tally = createRequestTally();
    for (let ms = 1; ms <= 200; ms++) tally.record("shop", ms, ms <= 150 ? 200 : ms <= 170 ? 302 : ms <= 190 ? 404 : 503);
    tally.record("blog", 5, 200);
    expect(tally.drain(["shop", "blog"])).toEqual([
      row("blog", 1, [1, 0, 0, 0], [5, 5, 5]),
      row("shop", 200, [150, 20, 20, 10], [100, 190, 198]),
    ]);
    expect(tally.drain(["shop"])).toEqual([row("shop", 0, [0, 0, 0, 0])]);
  });

  it("gives a routed app without requests a zero, and an app no longer routed its last counts", () => {
    const tally = createRequestTally();
    tally.record("gone", 3, 500);
    expect(tally.drain(["idle"])).toEqual([row("gone", 1, [0, 0, 0, 1], [3, 3, 3]), row("idle", 0, [0, 0, 0, 0])]);
  });

  it("counts a request it does not time (a WebSocket) without letting it into the percentiles, nor a 1xx into a class", () => {
    const tally = createRequestTally();
    tally.record("chat", 10, 200);
    tally.record("chat", null, 101);
    tally.record("chat", null, 101);
    tally.record("socket-only", null, 101);
    expect(tally.drain([])).toEqual([row("chat", 3, [1, 0, 0, 0], [10, 10, 10]), row("socket-only", 1, [0, 0, 0, 0])]);
  });

  it("holds at most maxSamples durations per app however many requests come, and the sample stays representative", () => {
    let seed = 42;
    // A fixed pseudo-random sequence, so the sample (and this test) is the same every run.
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const tally = createRequestTally({ maxSamples: 500, random });
    // 100,000 requests, durations spread evenly over 0–1000 ms, in a shuffled order.
    for (let i = 0; i < 100_000; i++) tally.record("busy", ((i * 7919) % 100_000) / 100, 200);
    expect(tally.held()).toBe(500);
    const [busy] = tally.drain([]);
    expect(busy?.requestCount).toBe(100_000);
    // Exactly 500 and 950 ms over all of them; a 500-sample reservoir lands within a few percent.
    expect(busy?.p50Ms).toBeGreaterThan(440);
    expect(busy?.p50Ms).toBeLessThan(560);
    expect(busy?.p95Ms).toBeGreaterThan(920);
    expect(busy?.p95Ms).toBeLessThan(980);
    expect(tally.held()).toBe(0);
  });
});
