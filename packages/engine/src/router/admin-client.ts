// Caddy's admin API, over its unix socket or loopback TCP. Caddy's error messages are kept
// word for word in the engine errors, since they name the exact field or port at fault.
import { request } from "node:http";
import { CaddyAdminError, CaddyUnavailableError } from "./errors.ts";
import type { AdminAddress } from "./types.ts";

export interface UpstreamStatus {
  address: string;
  num_requests: number;
  /** Passive health failures Caddy currently remembers for this address. */
  fails: number;
}

export interface CaddyAdminClient {
  /** For messages: the socket path or `host:port`. */
  readonly address: string;
  /** True when something answers the admin API (any HTTP answer counts). */
  ping(): Promise<boolean>;
  /** The running config (or the part at `path`, e.g. `apps/http`); `null` when there is none. */
  getConfig(path?: string): Promise<unknown>;
  /** Replaces the whole config atomically; Caddy keeps the old one if the new one fails. */
  load(config: unknown): Promise<void>;
  getById(id: string): Promise<unknown>;
  /** Replaces the object tagged `"@id": id` (e.g. one app's route). */
  patchById(id: string, value: unknown): Promise<void>;
  /** Caddy's Prometheus metrics (text format). */
  metrics(): Promise<string>;
  upstreams(): Promise<UpstreamStatus[]>;
  /** Asks Caddy to exit (POST /stop), for one this process did not start. */
  shutdown(): Promise<void>;
}

interface Answer {
  status: number;
  body: string;
}

export function describeAdminAddress(admin: AdminAddress): string {
  return "socketPath" in admin ? admin.socketPath : `${admin.host}:${admin.port}`;
}

export function caddyAdminClient(admin: AdminAddress, options: { timeoutMs?: number } = {}): CaddyAdminClient {
  const address = describeAdminAddress(admin);
  const timeoutMs = options.timeoutMs ?? 15_000;

  const send = (method: string, path: string, body?: unknown): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers: Record<string, string> = payload ? { "Content-Type": "application/json" } : {};
      const target =
        "socketPath" in admin
          ? // Over a socket Caddy accepts only an empty Host (there is no host name to check).
            { socketPath: admin.socketPath, setHost: false, headers: { ...headers, Host: "" } }
          : { host: admin.host, port: admin.port, headers };
      const req = request({ ...target, method, path, agent: false, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", (err) => reject(new CaddyUnavailableError(address, err.message)));
      });
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on("error", (err: NodeJS.ErrnoException) => reject(new CaddyUnavailableError(address, err.code ?? err.message)));
      req.end(payload);
    });

  const call = async (method: string, path: string, body?: unknown): Promise<string> => {
    const answer = await send(method, path, body);
    if (answer.status >= 200 && answer.status < 300) return answer.body;
    throw new CaddyAdminError(method, path, answer.status, caddyMessage(answer.body));
  };
  const json = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const text = await call(method, path, body);
    return text.trim() === "" ? null : JSON.parse(text);
  };

  return {
    address,
    async ping() {
      try {
        await send("GET", "/config/admin");
        return true;
      } catch (err) {
        if (err instanceof CaddyUnavailableError) return false;
        throw err;
      }
    },
    getConfig: (path = "") => json("GET", `/config/${path}`),
    load: async (config) => {
      await call("POST", "/load", config);
    },
    getById: (id) => json("GET", `/id/${encodeURIComponent(id)}`),
    patchById: async (id, value) => {
      await call("PATCH", `/id/${encodeURIComponent(id)}`, value);
    },
    metrics: () => call("GET", "/metrics"),
    upstreams: async () => (await json("GET", "/reverse_proxy/upstreams")) as UpstreamStatus[],
    shutdown: async () => {
      await call("POST", "/stop");
    },
  };
}

function caddyMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === "string") return parsed.error;
  } catch {
    // Not JSON: use the text as it is.
  }
  return body.trim() || "(no message)";
}
