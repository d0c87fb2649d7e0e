// The sockets a Caddy config listens on, and the ones Caddy holds beyond them. Caddy 2.6 opens a
// config's listeners before it knows the whole load will succeed, and a failed load leaves the
// ones it opened behind, still answering from the config they were opened for.
import { listeningSockets, type PortClaim, socketOwners } from "./port-holders.ts";
import { probeListeners, probeToken } from "./probe.ts";

/** Probes per check: with one stale listener beside the current one, 16 all miss it once in 65,536. */
const PROBE_REQUESTS = 16;

interface ServerJson {
  listen?: string[];
  tls_connection_policies?: unknown;
  protocols?: string[];
}

/** What `config` binds: each server's TCP listener, and UDP for HTTP/3 on the servers with TLS. */
export function portClaims(config: unknown): PortClaim[] {
  const servers = (config as { apps?: { http?: { servers?: Record<string, ServerJson> } } } | null)?.apps?.http?.servers ?? {};
  const claims: PortClaim[] = [];
  for (const server of Object.values(servers)) {
    for (const listen of server.listen ?? []) {
      const at = listen.lastIndexOf(":");
      const claim = { host: listen.slice(0, at), port: Number(listen.slice(at + 1)) };
      claims.push({ protocol: "tcp", ...claim });
      // Caddy 2.6 serves HTTP/3 on every TLS server unless its protocols leave it out.
      if (server.tls_connection_policies && (server.protocols ?? ["h3"]).includes("h3")) claims.push({ protocol: "udp", ...claim });
    }
  }
  return claims;
}

/**
 * Whether Caddy `pid` holds more sockets on `config`'s ports (or on `alsoPorts`) than `config`
 * listens on: listeners a failed load left behind.
 */
export function extraListeners(pid: number, config: unknown, alsoPorts: number[] = []): boolean {
  const claims = portClaims(config);
  // A port's sockets are counted by protocol: `tcp:8080` → 1.
  const expected = new Map<string, number>();
  for (const c of claims) expected.set(`${c.protocol}:${c.port}`, (expected.get(`${c.protocol}:${c.port}`) ?? 0) + 1);
  const sockets = listeningSockets([...claims.map((c) => c.port), ...alsoPorts]);
  const owners = socketOwners(
    sockets.map((s) => s.inode),
    [pid],
  );
  const held = new Map<string, number>();
  for (const s of sockets) if (owners.has(s.inode)) held.set(`${s.protocol}:${s.port}`, (held.get(`${s.protocol}:${s.port}`) ?? 0) + 1);
  return [...held].some(([key, count]) => count > (expected.get(key) ?? 0));
}

/**
 * Whether Caddy serves from more than `config`: sockets beyond its own, counted in /proc when
 * Caddy's pid is known, or probes through the apps' HTTP port answered from another config.
 */
export async function listenersLeftBehind(options: {
  pid: number | null;
  config: unknown;
  /** Ports to count besides the config's (ones other configs of the router bind). */
  ports: number[];
  httpHost: string;
  httpPort: number;
}): Promise<boolean> {
  if (options.pid && extraListeners(options.pid, options.config, options.ports)) return true;
  const token = probeToken(options.config);
  if (!token) return false;
  const probe = await probeListeners({ host: options.httpHost, port: options.httpPort, token, requests: PROBE_REQUESTS });
  return probe.stale > 0 || probe.current === 0;
}
