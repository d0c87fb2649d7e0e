// An app's traffic protection as Caddy handlers, placed before its reverse proxy. Debian's Caddy
// only has `request_body`, so the rate limit, the in-flight limit and the WAF are left out of its
// config (a config naming a module Caddy lacks would fail to load whole); the platform's own
// build (packages/engine/caddy) has all four.
import { InvalidRouteError } from "./errors.ts";
import { friendlyResponse } from "./pages.ts";
import type { RouteTraffic } from "./types.ts";

type Json = Record<string, unknown>;

/** What the running Caddy can do: `custom` is SkyPanel's build, `debian` the distribution's. */
export type CaddyBuild = "custom" | "debian";

const WAF_MODES = ["detect", "block"] as const;

/** The route's traffic settings with only the fields set, checked; undefined when none is set. */
export function checkRouteTraffic(traffic: RouteTraffic, appName: string): RouteTraffic | undefined {
  const out: RouteTraffic = {};
  for (const key of ["requestsPerMinute", "burst", "maxConcurrentRequests", "maxBodyBytes"] as const) {
    const value = traffic[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1)
      throw new InvalidRouteError(`App "${appName}": the traffic setting ${key} must be a positive whole number.`);
    out[key] = value;
  }
  if (out.burst !== undefined && out.requestsPerMinute === undefined)
    throw new InvalidRouteError(`App "${appName}": a burst needs a rate limit (requestsPerMinute).`);
  if (traffic.waf !== undefined) {
    if (!WAF_MODES.includes(traffic.waf)) throw new InvalidRouteError(`App "${appName}": the WAF mode must be detect or block.`);
    out.waf = traffic.waf;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A Content-Length header naming more than `max` bytes (leading zeros allowed): an RE2 pattern. */
export function contentLengthOver(max: number): string {
  if (!Number.isSafeInteger(max) || max < 0) throw new RangeError(`not a byte count: ${max}`);
  const digits = String(max);
  const longer = `[1-9][0-9]{${digits.length},}`;
  const sameLength: string[] = [];
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[i]);
    if (d === 9) continue;
    const rest = digits.length - i - 1;
    sameLength.push(`${digits.slice(0, i)}[${d + 1}-9]${rest > 0 ? `[0-9]{${rest}}` : ""}`);
  }
  return `^0*(?:${[longer, ...sameLength].join("|")})$`;
}

function tooLargePage(appName: string, maxBodyBytes: number) {
  return {
    status: 413,
    code: "REQUEST_TOO_LARGE",
    title: "Request too large",
    message: `The app "${appName}" accepts request bodies of at most ${maxBodyBytes} bytes.`,
  };
}

/**
 * Routes that answer before the app is asked: a declared body over the limit gets 413 at once
 * (Caddy 2.6's proxy would turn the limit's error into a 502 once it started sending).
 */
export function trafficGuardRoutes(appName: string, traffic: RouteTraffic | undefined): Json[] {
  if (traffic?.maxBodyBytes === undefined) return [];
  return [
    {
      match: [{ header_regexp: { "Content-Length": { pattern: contentLengthOver(traffic.maxBodyBytes) } } }],
      handle: [friendlyResponse(tooLargePage(appName, traffic.maxBodyBytes))],
      terminal: true,
    },
  ];
}

/** Handlers in front of the reverse proxy, in the order a request meets them. */
export function trafficHandlers(appName: string, traffic: RouteTraffic | undefined, build: CaddyBuild): Json[] {
  if (!traffic) return [];
  const handlers: Json[] = [];
  const custom = build === "custom";
  // The cheapest refusals first: a flood is turned away before it holds a slot or is inspected.
  if (custom && traffic.requestsPerMinute !== undefined) {
    handlers.push({
      handler: "skypanel_rate_limit",
      zone: appName,
      requests_per_minute: traffic.requestsPerMinute,
      ...(traffic.burst === undefined ? {} : { burst: traffic.burst }),
    });
  }
  if (custom && traffic.maxConcurrentRequests !== undefined) {
    handlers.push({ handler: "skypanel_in_flight_limit", zone: appName, max_per_address: traffic.maxConcurrentRequests });
  }
  // Chunked bodies carry no length: they are cut off (413) while they are read.
  if (traffic.maxBodyBytes !== undefined) handlers.push({ handler: "request_body", max_size: traffic.maxBodyBytes });
  if (custom && traffic.waf !== undefined) handlers.push({ handler: "skypanel_waf", zone: appName, mode: traffic.waf });
  return handlers;
}
