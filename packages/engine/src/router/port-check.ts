// The router's ports must be free, or held by this home's own Caddy: with SO_REUSEPORT, a second
// Caddy of the same user binds them without an error, and the two would share the apps' traffic.
import { caddyAdminClient } from "./admin-client.ts";
import { generateCaddyConfig } from "./caddy-config.ts";
import { caddyPaths, defaultAdminAddress, ownCaddyPids } from "./caddy-process.ts";
import { PortsHeldError } from "./errors.ts";
import { portClaims } from "./listeners.ts";
import { findPortHolders, type PortClaim } from "./port-holders.ts";
import type { AdminAddress, RouterSettings } from "./types.ts";

/**
 * Refuses (PortsHeldError) when a port the router would serve on is held by anything but this
 * home's Caddy (the one behind its admin socket), before anything else starts: another
 * SkyPanel's Caddy, say, which would share the ports with ours and answer for our apps.
 */
export async function checkRouterPorts(options: { home: string; admin?: AdminAddress; settings?: RouterSettings }): Promise<void> {
  const admin = options.admin ?? defaultAdminAddress(options.home);
  const claims = routerPortClaims(options.home, admin, options.settings ?? {});
  if (!(await caddyAdminClient(admin, { timeoutMs: 5_000 }).ping())) return refuseHeldPorts(claims, []);
  const ours = ownCaddyPids(options.home, admin);
  // A Caddy behind our socket whose process this user cannot see: its sockets look like anyone's.
  if (ours.length > 0) refuseHeldPorts(claims, ours);
}

/** Every port a config of these settings binds, whatever the routes. */
export function routerPortClaims(home: string, admin: AdminAddress, settings: RouterSettings): PortClaim[] {
  return portClaims(generateCaddyConfig([], settings, { admin, storageRoot: caddyPaths(home).dataDir }));
}

export function refuseHeldPorts(claims: PortClaim[], ours: number[]): void {
  const holders = findPortHolders(claims, new Set(ours));
  if (holders.length > 0) throw new PortsHeldError(holders);
}
