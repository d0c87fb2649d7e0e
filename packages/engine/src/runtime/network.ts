// A network namespace per instance, joined to the host by a veth pair on a /30 of its own.
//
// Why a /30 per instance rather than a shared bridge: on a bridge, instances share a link and
// reach each other at layer 2 without the host's IP stack seeing it (filtering that needs
// br_netfilter). With a point-to-point /30 the only peer an instance has is its host end, every
// packet crosses the host's routing and nftables, and the netns gets no default route at all:
// other instances' and the host's other addresses are unroutable from inside (only the add-on
// gateway's address is routed, to the host end, where the firewall lets its ports through).
// An app whose egress policy lets traffic out gets a default route through the host end, and the
// host's firewall decides what of it is forwarded (firewall.ts).
import { randomInt } from "node:crypto";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { ADDON_GATEWAY } from "../addons/gateway-address.ts";
import { run, runChecked } from "../process/run.ts";
import { checkEgressPolicy, DENY_ALL_EGRESS, type EgressPolicy } from "./egress-policy.ts";
import { ensureForwarding, removeInstanceRules, writeInstanceRules } from "./firewall.ts";

export const IP = "/usr/sbin/ip";

/** 10.213.0.0/16 as 16384 /30s: pair n is host 10.213.0.0 + 4n + 1, instance + 2. */
const POOL_BASE = (10 << 24) | (213 << 16);
const POOL_SIZE = 16384;
export const POOL_CIDR = "10.213.0.0/16";

export interface InstanceNetwork {
  index: number;
  netns: string;
  hostInterface: string;
  hostAddress: string;
  address: string;
}

function ipv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export function netnsName(instanceId: string): string {
  return `sp-${instanceId}`;
}

export function networkFor(index: number, instanceId: string): InstanceNetwork {
  const base = POOL_BASE + index * 4;
  return { index, netns: netnsName(instanceId), hostInterface: `spv${index}`, hostAddress: ipv4(base + 1), address: ipv4(base + 2) };
}

/**
 * Takes a free /30, starting the search at a random one so a just-released address (with
 * conntrack entries of its old flows still around) is rarely handed out again at once. A claim
 * is a file created with O_EXCL, so control planes and test processes never share one.
 */
function claimIndex(claimsDir: string, instanceId: string): number {
  mkdirSync(claimsDir, { recursive: true, mode: 0o700 });
  const taken = new Set(readdirSync(claimsDir).map(Number));
  const start = randomInt(POOL_SIZE);
  for (let i = 0; i < POOL_SIZE; i++) {
    const index = (start + i) % POOL_SIZE;
    if (taken.has(index)) continue;
    try {
      const fd = openSync(join(claimsDir, String(index)), "wx");
      writeSync(fd, instanceId);
      closeSync(fd);
      return index;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  throw new Error(`all ${POOL_SIZE} instance addresses are in use`);
}

/** Whether address pair `index` is still this instance's (it may have been released and taken since). */
export function ownsClaim(claimsDir: string, index: number, instanceId: string): boolean {
  try {
    return readFileSync(join(claimsDir, String(index)), "utf8") === instanceId;
  } catch {
    return false;
  }
}

/**
 * The pool's own route: unreachable. Each live instance's /30 is more specific and wins; an
 * address whose instance is gone must not fall through to the default route and send a
 * request (the router retrying a dead upstream, say) out to the host's network.
 */
let poolRoute: Promise<unknown> | null = null;
async function ensurePoolRoute() {
  // Starts at the same moment share one call (it is idempotent; later ones check again).
  poolRoute ??= runChecked(IP, ["route", "replace", "unreachable", POOL_CIDR]).finally(() => {
    poolRoute = null;
  });
  await poolRoute;
}

/** What of an instance's network its egress policy touches. */
export type EgressTarget = Pick<InstanceNetwork, "netns" | "hostInterface" | "hostAddress" | "address">;

/**
 * Applies an egress policy to an instance's network, started or running: the host's rules
 * first, then the namespace's default route (only there when something may go out, so a denied
 * instance fails at once with "network unreachable" and never even reaches the host's rules).
 */
export async function applyEgress(net: EgressTarget, policy: EgressPolicy) {
  // Checked again here: its networks and ports are written into nft's input as they are.
  const checked = checkEgressPolicy(policy);
  const out = checked.mode !== "deny";
  if (out) await ensureForwarding();
  await writeInstanceRules(net.hostInterface, net.address, checked);
  if (out) await runChecked(IP, ["-n", net.netns, "route", "replace", "default", "via", net.hostAddress, "dev", "eth0"]);
  else await run(IP, ["-n", net.netns, "route", "delete", "default"]);
}

/** Claims an address pair, then builds the namespace, the veth, addresses and the host rules. */
export async function setupNetwork(
  claimsDir: string,
  instanceId: string,
  onClaim: (net: InstanceNetwork) => void,
  egress: EgressPolicy = DENY_ALL_EGRESS,
): Promise<InstanceNetwork> {
  await ensurePoolRoute();
  const net = networkFor(claimIndex(claimsDir, instanceId), instanceId);
  onClaim(net);
  try {
    // Three commands, not six: each costs tens of ms when ten instances start at once.
    const checked = checkEgressPolicy(egress);
    const out = checked.mode !== "deny";
    // The peer is created inside the namespace, so it can be called eth0 there.
    await runChecked(IP, ["-batch", "-"], {
      input: [
        `netns add ${net.netns}`,
        `link add ${net.hostInterface} type veth peer name eth0 netns ${net.netns}`,
        `addr add ${net.hostAddress}/30 dev ${net.hostInterface}`,
        `link set ${net.hostInterface} up`,
        "",
      ].join("\n"),
    });
    if (out) await ensureForwarding();
    await writeInstanceRules(net.hostInterface, net.address, checked);
    await runChecked(IP, ["-n", net.netns, "-batch", "-"], {
      // One route besides the /30: to the add-on gateway, through the host end.
      input: [
        "link set lo up",
        `addr add ${net.address}/30 dev eth0`,
        "link set eth0 up",
        `route add ${ADDON_GATEWAY}/32 via ${net.hostAddress} dev eth0`,
        // As applyEgress: a default route only when something may go out, after the host's rules.
        ...(out ? [`route replace default via ${net.hostAddress} dev eth0`] : []),
        "",
      ].join("\n"),
    });
    return net;
  } catch (err) {
    await teardownNetwork(claimsDir, net, instanceId);
    throw err;
  }
}

/**
 * Idempotent: removes whatever of the instance's network is still there. The host end and its
 * rules are named by the address pair, which another instance may hold by now, so they are only
 * touched while the claim is still this instance's.
 */
export async function teardownNetwork(claimsDir: string, net: InstanceNetwork, instanceId: string) {
  // Deleting the namespace destroys eth0 and with it the host end.
  await run(IP, ["netns", "delete", net.netns]);
  if (!ownsClaim(claimsDir, net.index, instanceId)) return;
  await run(IP, ["link", "delete", net.hostInterface]);
  await removeInstanceRules(net.hostInterface);
  rmSync(join(claimsDir, String(net.index)), { force: true });
}
