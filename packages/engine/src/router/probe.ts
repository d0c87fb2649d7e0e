// The router probe: a route on the apps' HTTP server, matched before any app, that answers the
// token of the config it is part of. A request on a fresh connection may land on any socket Caddy
// listens on (they share the port through SO_REUSEPORT), so an answer with another token comes
// from a listener a failed load left behind, still serving an old config.
import { request } from "node:http";
import { isIP } from "node:net";

type Json = Record<string, unknown>;

export const PROBE_ROUTE_ID = "skypanel-router-probe";
export const PROBE_PATH = "/.skypanel/router-probe";
export const PROBE_HEADER = "X-Skypanel-Probe";
/** No app's hostname, so probes never count as an app's requests (and the access log skips them). */
export const PROBE_HOST = "router-probe.skypanel.invalid";

/** First on the apps' server: only this path with this header, so no app loses a path it serves. */
export function probeRoute(token: string): Json {
  return {
    "@id": PROBE_ROUTE_ID,
    match: [{ path: [PROBE_PATH], header: { [PROBE_HEADER]: ["1"] } }],
    handle: [
      {
        handler: "static_response",
        status_code: 200,
        headers: { "Content-Type": ["text/plain"], "Cache-Control": ["no-store"] },
        body: token,
      },
    ],
    terminal: true,
  };
}

/** The probe token a generated config answers with; null for a config without the probe route. */
export function probeToken(config: unknown): string | null {
  const servers = (config as { apps?: { http?: { servers?: Record<string, { routes?: Json[] }> } } } | null)?.apps?.http?.servers;
  for (const server of Object.values(servers ?? {})) {
    const route = server.routes?.find((r) => r["@id"] === PROBE_ROUTE_ID);
    const body = (route?.handle as { body?: unknown }[] | undefined)?.[0]?.body;
    if (typeof body === "string") return body;
  }
  return null;
}

export interface ProbeResult {
  /** Answers carrying the expected token. */
  current: number;
  /** Answers from another config: a listener left behind. */
  stale: number;
  /** Requests that got no answer (refused, reset, timed out). */
  failed: number;
}

/** `requests` probes one after another, each on a new connection, to the apps' HTTP port. */
export async function probeListeners(options: { host: string; port: number; token: string; requests: number }): Promise<ProbeResult> {
  const result: ProbeResult = { current: 0, stale: 0, failed: 0 };
  for (let i = 0; i < options.requests; i++) {
    const answer = await probeOnce(probeAddress(options.host), options.port).catch(() => null);
    if (answer === null) result.failed++;
    else if (answer === options.token) result.current++;
    else result.stale++;
  }
  return result;
}

/** Where to reach the apps' server: its own address, or loopback when it listens on every address. */
function probeAddress(httpHost: string): string {
  const host = httpHost.replace(/^\[(.*)\]$/, "$1");
  if (isIP(host) === 0 || host === "0.0.0.0") return "127.0.0.1";
  return host === "::" ? "::1" : host;
}

function probeOnce(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host, port, path: PROBE_PATH, agent: false, timeout: 2_000, headers: { Host: PROBE_HOST, [PROBE_HEADER]: "1" } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          if (body.length < 256) body += chunk;
        });
        res.on("end", () => resolve(res.statusCode === 200 ? body : `status ${res.statusCode}`));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer")));
    req.on("error", reject);
    req.end();
  });
}
