// Helpers for the router tests: app instances as child processes on 127.0.0.1, a throwaway
// $SKYPANEL_HOME, and HTTP and WebSocket clients that talk to Caddy on loopback only.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

export { freePort } from "../process/free-port.ts";
// For benchmarks that read what the router told Caddy.
export { caddyAdminClient } from "./admin-client.ts";
export { appRouteId } from "./caddy-config.ts";

const UPSTREAM_SCRIPT = new URL("./test-upstream.mjs", import.meta.url).pathname;

export interface TestUpstream {
  name: string;
  port: number;
  pid: number;
  /** `127.0.0.1:<port>`, for a route. */
  dial: string;
  /** Makes its /healthz answer 503 (false) or 200 (true), asked directly, not through Caddy. */
  setHealthy(healthy: boolean): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface TestUpstreams {
  start(name: string): Promise<TestUpstream>;
  /** Kills every instance started, by pid. */
  stopAll(): Promise<void>;
}

export function testUpstreams(): TestUpstreams {
  const started: { child: ChildProcess; exited: Promise<void> }[] = [];
  return {
    async start(name) {
      const child = spawn(process.execPath, [UPSTREAM_SCRIPT, name], { stdio: ["ignore", "pipe", "inherit"] });
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      started.push({ child, exited });
      const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        child.stdout?.on("data", (chunk: Buffer) => {
          out += chunk.toString("utf8");
          if (out.includes("\n")) resolve((JSON.parse(out.split("\n")[0] ?? "") as { port: number }).port);
        });
        child.once("exit", (code) => reject(new Error(`upstream ${name} exited with ${code} before listening`)));
      });
      const pid = child.pid ?? 0;
      return {
        name,
        port,
        pid,
        dial: `127.0.0.1:${port}`,
        async setHealthy(healthy) {
          const res = await httpGet({ port, host: `127.0.0.1:${port}`, path: healthy ? "/_well" : "/_sick" });
          if (res.status !== 200) throw new Error(`upstream ${name} did not take the health switch`);
        },
        async kill(signal = "SIGKILL") {
          if (child.exitCode !== null || child.signalCode !== null) return;
          process.kill(pid, signal);
          await exited;
        },
      };
    },
    async stopAll() {
      for (const { child, exited } of started) {
        if (child.exitCode === null && child.signalCode === null && child.pid) {
          process.kill(child.pid, "SIGKILL");
          await exited;
        }
      }
    },
  };
}

/** A short throwaway home: unix socket paths must stay under 108 bytes. */
export function tempHome(): { home: string; remove(): void } {
  const home = mkdtempSync(join(tmpdir(), "skp-router-"));
  return { home, remove: () => rmSync(home, { recursive: true, force: true }) };
}

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A request to 127.0.0.1:`port` with the given Host header, on a new connection: every config
 * load makes Caddy close idle keep-alive connections, and Node's agent (unlike browsers) does not
 * retry a request it sent on one that was closing.
 */
export function httpGet(options: {
  port: number;
  host: string;
  path?: string;
  headers?: Record<string, string>;
  /** Default GET. */
  method?: string;
  /** The loopback address to send from (the router limits per client address); default 127.0.0.1. */
  from?: string;
  /** Sent with its Content-Length, or chunked (two writes, no length) when `chunked`. */
  body?: Buffer;
  chunked?: boolean;
}): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers, Host: options.host };
    if (options.body && !options.chunked) headers["Content-Length"] = String(options.body.length);
    const req = request(
      {
        host: "127.0.0.1",
        port: options.port,
        path: options.path ?? "/",
        method: options.method ?? "GET",
        localAddress: options.from,
        agent: false,
        headers,
        timeout: 15_000,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    if (options.body && options.chunked) {
      // Two writes without a Content-Length: Node sends the body chunked.
      req.write(options.body.subarray(0, 10));
      req.end(options.body.subarray(10));
    } else req.end(options.body);
  });
}

export function servedBy(res: TestResponse): string {
  if (res.status !== 200) return `status ${res.status}`;
  return (JSON.parse(res.body) as { name: string }).name;
}

/** Opens a WebSocket through Caddy, sends one text frame, and returns the text frame that comes back. */
export function webSocketRoundTrip(options: { port: number; host: string; message: string }): Promise<string> {
  const key = randomBytes(16).toString("base64");
  const expectedAccept = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
  return new Promise((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port: options.port,
      path: "/socket",
      agent: false,
      headers: {
        Host: options.host,
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Key": key,
        "Sec-WebSocket-Version": "13",
      },
    });
    req.on("response", (res) => reject(new Error(`no upgrade: status ${res.statusCode}`)));
    req.on("upgrade", (res, socket, head) => {
      if (res.headers["sec-websocket-accept"] !== expectedAccept) {
        socket.destroy();
        reject(new Error("wrong Sec-WebSocket-Accept"));
        return;
      }
      let received = head;
      const payload = Buffer.from(options.message);
      const mask = randomBytes(4);
      socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload.map((b, i) => b ^ (mask[i % 4] ?? 0))]));
      const onData = (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        const length = (received[1] ?? 0) & 0x7f;
        if (received.length < 2 + length) return;
        socket.destroy();
        resolve(received.subarray(2, 2 + length).toString("utf8"));
      };
      socket.on("data", onData);
      socket.on("error", reject);
      if (received.length > 0) onData(Buffer.alloc(0));
    });
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error("WebSocket round trip timed out")));
    req.end();
  });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
}
