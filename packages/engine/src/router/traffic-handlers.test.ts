import { describe, expect, it } from "vitest";
import { generateCaddyConfig } from "./caddy-config.ts";
import { InvalidRouteError } from "./errors.ts";
import { checkRouteTraffic, contentLengthOver } from "./traffic-handlers.ts";
import type { AppRoute, RouterSettings } from "./types.ts";

const placement = { admin: { socketPath: "/tmp/skp-test/admin.sock" }, storageRoot: "/tmp/skp-test/data" };
const route = (traffic?: AppRoute["traffic"]): AppRoute => ({
  appName: "shop",
  hostnames: [],
  upstreams: [{ dial: "127.0.0.1:5000" }],
  policy: "round_robin",
  ...(traffic ? { traffic } : {}),
});

type Json = Record<string, unknown>;
/** The handlers of the app's subroute: its guard routes and the chain in front of the proxy. */
function appRoutes(settings: RouterSettings, r: AppRoute): Json[] {
  const config = generateCaddyConfig([r], settings, placement) as {
    apps: { http: { servers: { skypanel: { routes: { "@id"?: string; handle: { routes: Json[] }[] }[] } } } };
  };
  const app = config.apps.http.servers.skypanel.routes.find((x) => x["@id"] === "skypanel-app-shop");
  return app?.handle[0]?.routes ?? [];
}
const chain = (routes: Json[]) => ((routes.at(-1) as { handle: Json[] }).handle ?? []).map((h) => h.handler);

describe("traffic handlers in the Caddy config", () => {
  it("the custom build gets rate limit, in-flight limit, body limit and WAF, in that order, before the proxy", () => {
    const routes = appRoutes(
      { caddyBuild: "custom" },
      route({ requestsPerMinute: 60, burst: 10, maxConcurrentRequests: 4, maxBodyBytes: 2048, waf: "detect" }),
    );
    expect(chain(routes)).toEqual(["skypanel_rate_limit", "skypanel_in_flight_limit", "request_body", "skypanel_waf", "reverse_proxy"]);
    const handlers = (routes.at(-1) as { handle: Json[] }).handle;
    expect(handlers[0]).toEqual({ handler: "skypanel_rate_limit", zone: "shop", requests_per_minute: 60, burst: 10 });
    expect(handlers[1]).toEqual({ handler: "skypanel_in_flight_limit", zone: "shop", max_per_address: 4 });
    expect(handlers[2]).toEqual({ handler: "request_body", max_size: 2048 });
    expect(handlers[3]).toEqual({ handler: "skypanel_waf", zone: "shop", mode: "detect" });
  });

  it("Debian's Caddy (the default) gets only the body limit: a module it lacks would fail the whole config", () => {
    const traffic = { requestsPerMinute: 60, maxConcurrentRequests: 4, maxBodyBytes: 2048, waf: "block" as const };
    expect(chain(appRoutes({}, route(traffic)))).toEqual(["request_body", "reverse_proxy"]);
    expect(chain(appRoutes({ caddyBuild: "debian" }, route(traffic)))).toEqual(["request_body", "reverse_proxy"]);
  });

  it("an app without traffic settings gets no handlers and no guard route", () => {
    const plain = appRoutes({ caddyBuild: "custom" }, route());
    expect(chain(plain)).toEqual(["reverse_proxy"]);
    expect(JSON.stringify(plain)).not.toContain("Content-Length");
  });

  it("a declared body over the limit is answered 413 by a guard route before the proxy", () => {
    const routes = appRoutes({}, route({ maxBodyBytes: 1024 }));
    const guard = routes.find((r) => JSON.stringify(r.match ?? "").includes("Content-Length")) as Json;
    expect(guard.terminal).toBe(true);
    expect(JSON.stringify(guard.handle)).toContain('"status_code":413');
  });

  it("the Content-Length pattern matches exactly the numbers over the limit", () => {
    for (const max of [0, 9, 10, 99, 1024, 1099, 2000, 9999, 1048576]) {
      const pattern = new RegExp(contentLengthOver(max));
      for (const n of [0, 1, max - 1, max, max + 1, max * 10, 10 ** String(max).length, 12345678901]) {
        if (n < 0) continue;
        expect(pattern.test(String(n)), `${n} > ${max}`).toBe(n > max);
      }
      expect(pattern.test(`000${max + 1}`)).toBe(true);
      expect(pattern.test(`00${max}`)).toBe(false);
      expect(pattern.test("12a")).toBe(false);
      expect(pattern.test("")).toBe(false);
    }
  });

  it("routes with bad traffic settings are refused before anything reaches Caddy", () => {
    expect(() => checkRouteTraffic({ requestsPerMinute: 0 }, "shop")).toThrow(InvalidRouteError);
    expect(() => checkRouteTraffic({ maxBodyBytes: 1.5 }, "shop")).toThrow(/positive whole number/);
    expect(() => checkRouteTraffic({ burst: 5 }, "shop")).toThrow(/burst needs a rate limit/);
    expect(() => checkRouteTraffic({ waf: "drop" as never }, "shop")).toThrow(/detect or block/);
    expect(checkRouteTraffic({}, "shop")).toBeUndefined();
  });
});
