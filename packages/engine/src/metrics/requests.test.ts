import { describe, expect, it } from "vitest";
import { createRequestTally, percentile } from "./requests.ts";

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

describe("request tally", () => {
  it("counts each app's requests and their p50/p95, then starts afresh", () => {
    const tally = createRequestTally();
    for (let ms = 1; ms <= 200; ms++) tally.record("shop", ms);
    tally.record("blog", 5);
    expect(tally.drain(["shop", "blog"])).toEqual([
      { appName: "blog", requestCount: 1, p50Ms: 5, p95Ms: 5 },
      { appName: "shop", requestCount: 200, p50Ms: 100, p95Ms: 190 },
    ]);
    expect(tally.drain(["shop"])).toEqual([{ appName: "shop", requestCount: 0, p50Ms: null, p95Ms: null }]);
  });

  it("gives a routed app without requests a zero, and an app no longer routed its last counts", () => {
    const tally = createRequestTally();
    tally.record("gone", 3);
    expect(tally.drain(["idle"])).toEqual([
      { appName: "gone", requestCount: 1, p50Ms: 3, p95Ms: 3 },
      { appName: "idle", requestCount: 0, p50Ms: null, p95Ms: null },
    ]);
  });

  it("counts a request it does not time (a WebSocket) without letting it into the percentiles", () => {
    const tally = createRequestTally();
    tally.record("chat", 10);
    tally.record("chat", null);
    tally.record("chat", null);
    tally.record("socket-only", null);
    expect(tally.drain([])).toEqual([
      { appName: "chat", requestCount: 3, p50Ms: 10, p95Ms: 10 },
      { appName: "socket-only", requestCount: 1, p50Ms: null, p95Ms: null },
    ]);
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
    for (let i = 0; i < 100_000; i++) tally.record("busy", ((i * 7919) % 100_000) / 100);
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
