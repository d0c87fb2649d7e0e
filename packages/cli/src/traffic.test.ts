// traffic:set's flags as sent to the platform (the platform's own checks: apps/bff/src/rest/traffic.test.ts).
import { describe, expect, it } from "vitest";
import { trafficChanges } from "./commands/traffic.js";

describe("skypanel traffic:set flags", () => {
  it("turns flags into the fields to change, 'none' clearing a limit and sizes read as bytes", () => {
    expect(trafficChanges({ rate: "120", burst: "none", concurrency: "8", "max-body": "10MB", waf: "block" })).toEqual({
      requestsPerMinute: 120,
      burst: null,
      maxConcurrentRequests: 8,
      maxBodyBytes: 10_000_000,
      wafMode: "block",
    });
    expect(trafficChanges({ "max-body": "none" })).toEqual({ maxBodyBytes: null });
    expect(trafficChanges({})).toEqual({});
  });

  it("refuses values that cannot be limits before asking the platform", () => {
    expect(() => trafficChanges({ rate: "0" })).toThrow(/--rate takes a positive whole number/);
    expect(() => trafficChanges({ concurrency: "2.5" })).toThrow(/--concurrency/);
    expect(() => trafficChanges({ rate: true })).toThrow(/--rate/);
    expect(() => trafficChanges({ "max-body": "lots" })).toThrow(/--max-body takes a size/);
    expect(() => trafficChanges({ waf: "paranoid" })).toThrow(/--waf is one of off, detect, block/);
  });
});
