// Desired routes are checked before anything reaches Caddy, so a bad one is a clear error here
// instead of a half-applied config or a route that silently steals another app's traffic.
import { checkAppName } from "../apps/index.ts";
import { InvalidRouteError } from "./errors.ts";
import { MAX_MAINTENANCE_PAGE_BYTES } from "./pages.ts";
import { checkRouteTraffic } from "./traffic-handlers.ts";
import { type AppRoute, LOAD_BALANCING_POLICIES, type RouteMaintenance, type RouteUpstream } from "./types.ts";

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_WEIGHT = 1000;

export function checkHostname(hostname: string, what = "hostname"): string {
  const host = hostname.trim().toLowerCase().replace(/\.$/, "");
  if (host.startsWith("*."))
    throw new InvalidRouteError(`The ${what} "${hostname}" is a wildcard; wildcard domains are not supported yet.`);
  if (host.length === 0 || host.length > 253 || !host.split(".").every((label) => LABEL.test(label)))
    throw new InvalidRouteError(
      `The ${what} "${hostname}" is not a valid DNS name (letters, digits and dashes, separated by dots; no port).`,
    );
  return host;
}

/** Instances are reached by address, never by name: no DNS between the router and an app. */
export function checkDial(dial: string, appName: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/.exec(dial);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const port = m ? Number(m[5]) : 0;
  const valid = m && octets.every((o) => o <= 255) && port >= 1 && port <= 65535 && (octets[0] === 10 || octets[0] === 127);
  if (!valid)
    throw new InvalidRouteError(
      `App "${appName}" has an upstream "${dial}" that is not an instance address: expected 10.x.y.z:port or 127.x.y.z:port.`,
    );
  return dial;
}

function checkUpstream(upstream: RouteUpstream, appName: string): RouteUpstream {
  const dial = checkDial(upstream.dial, appName);
  if (upstream.weight === undefined) return { dial };
  if (!Number.isInteger(upstream.weight) || upstream.weight < 1 || upstream.weight > MAX_WEIGHT)
    throw new InvalidRouteError(`App "${appName}": the weight of ${dial} must be a whole number from 1 to ${MAX_WEIGHT}.`);
  return { dial, weight: upstream.weight };
}

function checkRouteMaintenance({ page, retryAfterSeconds }: RouteMaintenance, appName: string): RouteMaintenance {
  if (typeof page !== "string" || page.length === 0 || Buffer.byteLength(page) > MAX_MAINTENANCE_PAGE_BYTES)
    throw new InvalidRouteError(`App "${appName}": the maintenance page must be 1 to ${MAX_MAINTENANCE_PAGE_BYTES} bytes of HTML.`);
  if (!Number.isSafeInteger(retryAfterSeconds) || retryAfterSeconds < 1)
    throw new InvalidRouteError(`App "${appName}": the maintenance Retry-After must be a positive whole number of seconds.`);
  return { page, retryAfterSeconds };
}

function checkRoute(route: AppRoute, baseDomain: string): AppRoute {
  const appName = checkAppName(route.appName);
  if (!LOAD_BALANCING_POLICIES.includes(route.policy))
    throw new InvalidRouteError(
      `App "${appName}": unknown load-balancing policy "${route.policy}". Use one of ${LOAD_BALANCING_POLICIES.join(", ")}.`,
    );
  const hostnames = [...new Set([`${appName}.${baseDomain}`, ...route.hostnames.map((h) => checkHostname(h))])].sort();
  const dials = new Set<string>();
  const upstreams = route.upstreams.map((u) => {
    const checked = checkUpstream(u, appName);
    if (dials.has(checked.dial)) throw new InvalidRouteError(`App "${appName}" lists the upstream ${checked.dial} twice.`);
    dials.add(checked.dial);
    return checked;
  });
  const out: AppRoute = { appName, hostnames, upstreams, policy: route.policy };
  if (route.tlsHostnames && route.tlsHostnames.length > 0) {
    out.tlsHostnames = [...new Set(route.tlsHostnames.map((h) => checkHostname(h)))].sort();
    const stray = out.tlsHostnames.find((h) => !hostnames.includes(h));
    if (stray) throw new InvalidRouteError(`App "${appName}": ${stray} would get a certificate but is not one of its hostnames.`);
  }
  if (route.hstsHostnames && route.hstsHostnames.length > 0) {
    out.hstsHostnames = [...new Set(route.hstsHostnames.map((h) => checkHostname(h)))].sort();
    const stray = out.hstsHostnames.find((h) => !out.tlsHostnames?.includes(h));
    if (stray) throw new InvalidRouteError(`App "${appName}": ${stray} would send HSTS but is not served over HTTPS.`);
  }
  if (route.passiveHealth === false) out.passiveHealth = false;
  const traffic = route.traffic && checkRouteTraffic(route.traffic, appName);
  if (traffic) out.traffic = traffic;
  if (route.maintenance) out.maintenance = checkRouteMaintenance(route.maintenance, appName);
  const hc = route.healthCheck;
  if (hc) {
    if (!/^\/[\x21-\x7e]*$/.test(hc.path))
      throw new InvalidRouteError(`App "${appName}": the health check path "${hc.path}" must start with "/" and contain no spaces.`);
    if (!Number.isInteger(hc.intervalMs) || hc.intervalMs < 100)
      throw new InvalidRouteError(`App "${appName}": the health check interval must be at least 100 ms.`);
    if (!Number.isInteger(hc.timeoutMs) || hc.timeoutMs < 10 || hc.timeoutMs > hc.intervalMs)
      throw new InvalidRouteError(`App "${appName}": the health check timeout must be from 10 ms up to the interval.`);
    const s = hc.expectStatus;
    if (s !== undefined && !(Number.isInteger(s) && ((s >= 1 && s <= 5) || (s >= 100 && s <= 599))))
      throw new InvalidRouteError(`App "${appName}": the expected health status must be a code (100–599) or a class (1–5).`);
    out.healthCheck = {
      path: hc.path,
      intervalMs: hc.intervalMs,
      timeoutMs: hc.timeoutMs,
      ...(s === undefined ? {} : { expectStatus: s }),
    };
  }
  return out;
}

/**
 * Checks and normalises desired routes: lowercase hostnames including `<app>.<baseDomain>`,
 * sorted by app and hostname so the same routes in any order give the same Caddy config.
 * A hostname may belong to one app only.
 */
export function normaliseRoutes(routes: AppRoute[], baseDomain: string): AppRoute[] {
  const owner = new Map<string, string>();
  const seenApps = new Set<string>();
  const checked = routes.map((r) => checkRoute(r, baseDomain));
  for (const route of checked) {
    if (seenApps.has(route.appName)) throw new InvalidRouteError(`App "${route.appName}" has more than one route.`);
    seenApps.add(route.appName);
    for (const host of route.hostnames) {
      const other = owner.get(host);
      if (other) throw new InvalidRouteError(`The hostname "${host}" is claimed by both "${other}" and "${route.appName}".`);
      owner.set(host, route.appName);
    }
  }
  return checked.sort((a, b) => (a.appName < b.appName ? -1 : a.appName > b.appName ? 1 : 0));
}

/** Which app each hostname of these (normalised) routes belongs to. */
export function hostOwners(routes: AppRoute[]): Map<string, string> {
  return new Map(routes.flatMap((r) => r.hostnames.map((host): [string, string] => [host, r.appName])));
}
