// Hands a retiring instance's kept-alive connections over at the switch rather than after the drain.
//
// Caddy proxies to the app's service address, and nftables picks an instance per NEW connection
// (router/service-balancer.ts). Caddy keeps its upstream connections alive, and conntrack keeps
// each one pinned to the instance it was made to: after a rotation change Caddy goes on sending
// requests to the old instance until it is stopped, drainMs later. So once an instance is out of
// rotation, its idle connections are closed from the server side: Caddy's next request opens a
// new connection, which the service address sends to an instance in rotation. That is what the
// app's own keep-alive timeout does (Node closes idle keep-alives after 5 s), only earlier; and
// every HTTP client, Caddy's Go transport included, retries a replayable request on a reused
// connection the server closed. Connections with a request in flight are left to finish during
// the drain; they are closed on a later pass, once their response is out.
import { run } from "../process/run.ts";
import type { Instance } from "./instance.ts";

export const SS = "/usr/bin/ss";

/** Between passes during a drain: a connection busy at one pass is idle soon after its response. */
const PASS_MS = 100;
/**
 * The kernel times a connection's last send and receive in jiffies (4 ms at HZ=250), so a request
 * that came in the same tick as the previous response went out looks idle too. Such a tie counts
 * as idle only after this long without a byte either way: a request taking that long with nothing
 * sent yet is far rarer than a spare kept-alive connection left over from a burst.
 */
const TIE_QUIET_MS = 1000;

/** One established TCP connection as `ss -tniH` reports it. */
export interface TcpConnection {
  local: { address: string; port: number };
  peer: { address: string; port: number };
  /** Bytes received the app has not read. */
  recvQ: number;
  /** Bytes the app wrote that the peer has not acknowledged. */
  sendQ: number;
  /** Milliseconds since the last data sent and received (ss leaves out a 0). */
  lastSendMs: number;
  lastReceiveMs: number;
}

// What ss prints for an address: IPv4, or IPv6 (an IPv4-mapped one too) in brackets.
const ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:.]{2,45}\])$/;

function endpoint(text: string | undefined): TcpConnection["local"] | null {
  const at = text?.lastIndexOf(":") ?? -1;
  if (!text || at <= 0) return null;
  const address = text.slice(0, at);
  const port = Number(text.slice(at + 1));
  if (!ADDRESS.test(address) || !Number.isInteger(port) || port < 1 || port > 65_535) return null;
  return { address, port };
}

const count = (text: string | undefined) => (text !== undefined && /^\d{1,10}$/.test(text) ? Number(text) : null);

/**
 * Parses `ss -tniH state established` output: a line per connection (Recv-Q, Send-Q, local,
 * peer), then an indented line of its TCP details. A line that does not read as either is
 * skipped, and so is a connection without its details: what is not understood is left alone.
 */
export function parseConnections(output: string): TcpConnection[] {
  const found: TcpConnection[] = [];
  let pending: Omit<TcpConnection, "lastSendMs" | "lastReceiveMs"> | null = null;
  for (const line of output.split("\n")) {
    if (/^\s/.test(line) && pending) {
      const detail = (key: string) => count(line.match(new RegExp(`(?:^|\\s)${key}:(\\S+)`))?.[1]) ?? 0;
      found.push({ ...pending, lastSendMs: detail("lastsnd"), lastReceiveMs: detail("lastrcv") });
      pending = null;
      continue;
    }
    const [recvQ, sendQ, local, peer] = line.trim().split(/\s+/);
    const parsed = { recvQ: count(recvQ), sendQ: count(sendQ), local: endpoint(local), peer: endpoint(peer) };
    pending =
      parsed.recvQ !== null && parsed.sendQ !== null && parsed.local && parsed.peer
        ? { recvQ: parsed.recvQ, sendQ: parsed.sendQ, local: parsed.local, peer: parsed.peer }
        : null;
  }
  return found;
}

/**
 * Idle: nothing unread, nothing unacknowledged, and the instance's send came after the last
 * request it received (a response went out, no new request came in). A tie within one kernel
 * tick counts only once the connection has been quiet for TIE_QUIET_MS.
 */
export function isIdle(c: TcpConnection): boolean {
  if (c.recvQ !== 0 || c.sendQ !== 0) return false;
  if (c.lastSendMs < c.lastReceiveMs) return true;
  return c.lastSendMs === c.lastReceiveMs && c.lastReceiveMs >= TIE_QUIET_MS;
}

const exact = (c: TcpConnection) =>
  `( src ${c.local.address} and sport = :${c.local.port} and dst ${c.peer.address} and dport = :${c.peer.port} )`;

/** Where an instance's connections live: its network namespace (null: the host's, process mode). */
export interface ConnectionTarget {
  namespace: string | null;
  port: number;
}

/** One pass: closes the instance's idle connections; returns how many it closed. */
export async function closeIdleConnections(target: ConnectionTarget): Promise<number> {
  const ns = target.namespace ? ["-N", target.namespace] : [];
  const listed = await run(SS, [...ns, "-tniH", "state", "established", `( sport = :${target.port} )`], { timeoutMs: 5000 });
  if (listed.code !== 0) return 0;
  const idle = parseConnections(listed.stdout).filter((c) => c.local.port === target.port && isIdle(c));
  if (idle.length === 0) return 0;
  // Each by its exact 4-tuple: one that turned busy in the meantime keeps its port pair, but a
  // connection opened since (a new port pair) is never hit.
  const killed = await run(SS, [...ns, "-K", "-tnH", "state", "established", idle.map(exact).join(" or ")], { timeoutMs: 5000 });
  // ss prints a line per connection it closed.
  return killed.code === 0 ? killed.stdout.split("\n").filter((line) => line.trim()).length : 0;
}

/**
 * Waits out an instance's drain (out of rotation already), closing its idle connections every
 * PASS_MS meanwhile, so those busy at the switch go as soon as their response is out. Resolves
 * after `drainMs`; never throws (a failed pass leaves the connections to the drain, as before).
 * A null instance (it has ended) is just waited for.
 */
export async function drainInstance(instance: Pick<Instance, "network" | "port"> | null, drainMs: number): Promise<void> {
  const until = Date.now() + drainMs;
  const target = instance && { namespace: instance.network?.namespace ?? null, port: instance.port };
  for (;;) {
    if (target) await closeIdleConnections(target).catch(() => 0);
    const left = until - Date.now();
    if (left <= 0) return;
    await new Promise((r) => setTimeout(r, Math.min(PASS_MS, left)));
  }
}
