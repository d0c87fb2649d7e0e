// Replacing a Caddy without a gap in serving: a fresh Caddy starts beside the old one, with its
// admin API on a spare socket, and loads the config (Caddy binds TCP with SO_REUSEPORT, so both
// serve the ports for a moment); then the old one stops (finishing its requests in flight), and
// the new one moves its admin API to the platform's socket. HTTP/3's UDP socket cannot be shared:
// the new Caddy opens it only once the old one is gone (HTTP/3 clients fall back to TCP meanwhile).
import { dirname, join } from "node:path";
import { caddyAdminClient } from "./admin-client.ts";
import { adminConfig } from "./caddy-config.ts";
import { type CaddyHandle, recordCaddyPid, startCaddy } from "./caddy-process.ts";
import { configHash } from "./config-hash.ts";
import { CaddyStartError } from "./errors.ts";
import type { AdminAddress } from "./types.ts";

type Json = Record<string, unknown>;

export interface ReplaceCaddyOptions {
  home: string;
  admin: AdminAddress;
  caddyBinary?: string;
  /** The Caddy serving now, stopped once the new one serves `config`. */
  current: CaddyHandle;
  /** The whole config for the new Caddy, its admin block at `admin`. */
  config: Json;
}

export async function replaceCaddy(options: ReplaceCaddyOptions): Promise<CaddyHandle> {
  const { home, admin, caddyBinary, current, config } = options;
  if (!("socketPath" in admin)) {
    // A TCP admin address has no spare to start beside: stop, then start.
    await current.terminate();
    const fresh = await startCaddy({ home, admin, caddyBinary });
    await fresh.client.load(config);
    return fresh;
  }
  const spare = { socketPath: join(dirname(admin.socketPath), "caddy-admin-next.sock") };
  // One left by a replacement that was interrupted half-way.
  const leftover = caddyAdminClient(spare, { timeoutMs: 5_000 });
  if (await leftover.ping()) await leftover.shutdown().catch(() => {});

  const next = await startCaddy({ home, admin: spare, caddyBinary, recordPid: false });
  try {
    await next.client.load({ ...withoutHttp3(config), admin: adminConfig(spare) });
  } catch (error) {
    await next.stop();
    throw error;
  }
  await current.terminate();
  try {
    // Caddy answers a load that moves its admin API from the old address: the answer may be cut.
    await next.client.load(config).catch(() => {});
    const client = caddyAdminClient(admin, { timeoutMs: 5_000 });
    const deadline = Date.now() + 10_000;
    while (!(await client.ping())) {
      if (Date.now() > deadline) throw new CaddyStartError(`The new Caddy did not move its admin API to ${admin.socketPath}.`, "");
      await new Promise((r) => setTimeout(r, 50));
    }
    if (configHash(await client.getConfig()) !== configHash(config)) await client.load(config);
    if (next.pid) recordCaddyPid(home, next.pid);
    return { ...next, admin, client: caddyAdminClient(admin) };
  } catch (error) {
    // Nothing serves now: the router's next pass starts a Caddy afresh.
    await next.stop();
    throw error;
  }
}

/** `config` with HTTP/1 and HTTP/2 only on its TLS servers. */
function withoutHttp3(config: Json): Json {
  const http = (config.apps as { http?: { servers?: Record<string, Json> } } | undefined)?.http;
  if (!http?.servers) return config;
  const servers = Object.fromEntries(
    Object.entries(http.servers).map(([name, server]) => [
      name,
      server.tls_connection_policies ? { ...server, protocols: ["h1", "h2"] } : server,
    ]),
  );
  return { ...config, apps: { ...(config.apps as Json), http: { ...http, servers } } };
}
