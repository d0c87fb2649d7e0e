// Shared by the benchmarks: start the platform as a child process (so the load generator does
// not share its event loop), talk to it over HTTP, and measure with autocannon.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@skypanel/engine/router-testing";
import autocannon from "autocannon";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface Platform {
  url: string;
  stop(): Promise<void>;
}

/** Starts apps/bff on a free port with its own $SKYPANEL_HOME; `databaseUrl` selects PostgreSQL. */
export async function startPlatform(port: number, env: Record<string, string> = {}): Promise<Platform> {
  const home = mkdtempSync(join(tmpdir(), "skypanel-bench-"));
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", join(ROOT, "apps/bff/src/main.ts")], {
    cwd: ROOT,
    env: {
      ...process.env,
      SKYPANEL_HOME: home,
      SKYPANEL_PORT: String(port),
      SKYPANEL_ADMIN_EMAIL: "bench@example.com",
      SKYPANEL_ADMIN_PASSWORD: "bench-password",
      // Its own router ports, and its Caddy stopped with it: a platform's apps and Caddy normally
      // outlive it, and the next row's platform would find the ports held.
      SKYPANEL_HTTP_PORT: String(await freePort()),
      SKYPANEL_HTTPS_PORT: String(await freePort()),
      SKYPANEL_STOP_APPS_ON_EXIT: "1",
      SKYPANEL_ADDON_LOCAL_SERVERS: "off",
      DATABASE_URL: "",
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`the platform exited with ${child.exitCode}`);
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "bench@example.com", password: "bench-password" }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export interface Row {
  benchmark: string;
  database: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Fixed concurrency for a fixed time; latency percentiles in milliseconds. */
export async function measure(
  name: string,
  database: string,
  url: string,
  headers: Record<string, string>,
  options: { connections: number; seconds: number },
): Promise<Row> {
  const result = await autocannon({ url, headers, connections: options.connections, duration: options.seconds });
  const errors = result.errors + result.timeouts + result.non2xx;
  return {
    benchmark: name,
    database,
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors,
  };
}

export function machine() {
  return `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export function markdownTable(rows: Row[]): string {
  const lines = [
    "| benchmark | database | requests | req/s | p50 ms | p99 ms | errors |",
    "|---|---|---:|---:|---:|---:|---:|",
    ...rows.map((r) => `| ${r.benchmark} | ${r.database} | ${r.requests} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.errors} |`),
  ];
  return lines.join("\n");
}
