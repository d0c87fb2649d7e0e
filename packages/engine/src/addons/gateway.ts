// How apps in containers reach their add-ons. An instance's network namespace has one route
// only, to its own veth's host end, and the host's firewall rejects everything it sends to the
// host (runtime/firewall.ts). So the control plane forwards TCP from one fixed host address,
// ADDON_GATEWAY on lo, to each registered add-on server; instances get a route to that address
// and may open connections to its gateway port range, nothing else of the host's. An add-on's
// DATABASE_URL / REDIS_URL then names ADDON_GATEWAY:<port> instead of the server.
//
// The forwarding is in this process: when the control plane stops, open add-on connections of
// running apps are cut (their clients reconnect once it is back).
import { connect, createServer, type Server, type Socket } from "node:net";
import { runChecked } from "../process/run.ts";
import { IP } from "../runtime/network.ts";
import { ADDON_GATEWAY, GATEWAY_PORTS } from "./gateway-address.ts";

export { ADDON_GATEWAY, GATEWAY_PORTS };
export const DEFAULT_GATEWAY_PORTS = { postgresql: 15432, redis: 15479 } as const;

export interface GatewayRoute {
  /** Where instances connect, in GATEWAY_PORTS. */
  port: number;
  /** The add-on server, as the control plane reaches it. */
  target: { host: string; port: number };
}

export interface AddonGateway {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function checkGatewayPort(port: number): number {
  if (!Number.isInteger(port) || port < GATEWAY_PORTS.first || port > GATEWAY_PORTS.last) {
    throw new Error(`add-on gateway port ${port} is outside ${GATEWAY_PORTS.first}-${GATEWAY_PORTS.last}`);
  }
  return port;
}

/** The URL as an app behind the gateway uses it: same credentials and database, the gateway's host and port. */
export function throughGateway(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = ADDON_GATEWAY;
  u.port = String(port);
  return u.toString();
}

export function createAddonGateway(routes: GatewayRoute[]): AddonGateway {
  for (const r of routes) checkGatewayPort(r.port);
  const servers: Server[] = [];
  const sockets = new Set<Socket>();

  function forward(target: GatewayRoute["target"]) {
    return (client: Socket) => {
      const upstream = connect({ host: target.host, port: target.port });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
        // Either side failing ends both; the app's client sees the connection close.
        s.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    };
  }

  return {
    async start() {
      if (servers.length > 0 || routes.length === 0) return;
      await runChecked(IP, ["addr", "replace", `${ADDON_GATEWAY}/32`, "dev", "lo"]);
      for (const r of routes) {
        const server = createServer(forward(r.target));
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen(r.port, ADDON_GATEWAY, () => resolve());
        });
        servers.push(server);
      }
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}
