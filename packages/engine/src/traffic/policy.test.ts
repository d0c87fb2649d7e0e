import { describe, expect, it } from "vitest";
import { NO_TRAFFIC_LIMITS, routeTraffic, unsupportedSettings } from "./policy.ts";

describe("an app's traffic policy for the router", () => {
  const full = { requestsPerMinute: 60, burst: null, maxConcurrentRequests: 4, maxBodyBytes: 2048, wafMode: "block" as const };

  it("the route carries only the limits set, and no traffic at all without any", () => {
    expect(routeTraffic(full)).toEqual({ requestsPerMinute: 60, maxConcurrentRequests: 4, maxBodyBytes: 2048, waf: "block" });
    expect(routeTraffic(NO_TRAFFIC_LIMITS)).toBeUndefined();
  });

  it("says which settings the running router cannot apply", () => {
    expect(unsupportedSettings(full, "custom")).toEqual([]);
    expect(unsupportedSettings(full, "debian")).toEqual(["requestsPerMinute", "maxConcurrentRequests", "wafMode"]);
    expect(unsupportedSettings(full, null)).toEqual(["maxBodyBytes", "requestsPerMinute", "maxConcurrentRequests", "wafMode"]);
    expect(unsupportedSettings(NO_TRAFFIC_LIMITS, "debian")).toEqual([]);
  });
});
