// A real BFF over a real engine and a fresh test database, for router and REST tests.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { withActor } from "@skypanel/db/queries";
import type { Driver, TestDatabase } from "@skypanel/db/testing";

export { TEST_DRIVERS } from "@skypanel/db/testing";

import { buildNetwork, type EngineOptions, type PlatformBackupSettings } from "@skypanel/engine";
import { createTestEngine, type TestEngine } from "@skypanel/engine/testing";
import type { BffConfig } from "./config.ts";
import { type Context, createContext } from "./context.ts";
import { serveOneOffAttach } from "./one-off-attach.ts";
import { appRouter } from "./routers/_app.ts";
import { createApp } from "./server.ts";
import { createCallerFactory } from "./trpc.ts";

export const testConfig = (home: string): BffConfig => ({
  port: 0,
  host: "127.0.0.1",
  home,
  databaseUrl: undefined,
  admin: null,
  webDist: "/nonexistent-web-dist",
  // rest() requests come from a loopback "socket", so their X-Forwarded-For is believed.
  trustedProxies: ["loopback"],
  secureCookies: false,
  maxUploadBytes: 5 * 1024 * 1024,
  buildConcurrency: 1,
  buildTimeoutMs: 5 * 60_000,
  remoteCache: null,
  toolchains: "host",
  runtime: "off",
  httpPort: 8080,
  baseDomain: "localhost",
  stopAppsOnExit: false,
  dnsServers: [],
  publicIps: [],
  tls: null,
  localTls: null,
  addons: { gatewayPorts: { postgresql: 15432, redis: 15479 }, localServers: false },
  workDir: undefined,
  vault: null,
  heroku: { apiUrl: "http://127.0.0.1:9", dataApiUrl: "http://127.0.0.1:9" },
  // The engine itself comes from createTestEngine, which reads the same from this process's environment.
  buildNetwork: buildNetwork(process.env),
  tracing: { serviceName: "skypanel", export: null, retentionDays: 14, appEndpoint: null },
  metricsToken: null,
  prometheus: null,
  alerts: { intervalMs: 30_000, smtp: null },
  autoscale: { intervalMs: 15_000, metricsIntervalMs: 10_000 },
  drainCaFile: null,
  // The engine's policy comes from createTestEngine (loopback allowed there, for the tests' servers).
  outboundAllow: [],
  addonHealthIntervalMs: 30_000,
  platformBackup: { passphrase: null, dir: null, s3: null, schedule: null, keep: 7 },
});

const createCaller = createCallerFactory(appRouter);

// app.request() has no socket; this stands in for one on loopback, where getConnInfo looks.
const IN_PROCESS_PEER = { incoming: { socket: { remoteAddress: "127.0.0.1", remotePort: 1, remoteFamily: "IPv4" } } };

export interface TestBff extends TestEngine {
  app: ReturnType<typeof createApp>;
  /** Serves the app on a loopback port (for clients that need a socket: git, SSE readers). */
  listen(): Promise<string>;
  /** A tRPC caller authenticated with `token` (a Bearer token), or anonymous. */
  caller(token?: string): Promise<ReturnType<typeof createCaller>>;
  /** Logs in over REST and returns the Bearer token. */
  login(email: string, password?: string): Promise<string>;
  /** JSON request against the REST face; `X-Forwarded-For` gives each test its own client address. */
  rest(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<{
    status: number;
    // biome-ignore lint/suspicious/noExplicitAny: tests read response fields directly
    body: any;
    headers: Headers;
  }>;
}

export async function createTestBff(
  driver: Driver,
  options: Pick<EngineOptions, "builds" | "runtime" | "domains" | "addons" | "heroku" | "tracing" | "autoscale" | "outbound"> & {
    database?: TestDatabase;
    home?: string;
    platformBackup?: Omit<PlatformBackupSettings, "source">;
  } = {},
): Promise<TestBff> {
  const t = await createTestEngine(driver, options);
  const config = testConfig(t.home);
  const app = createApp(t.engine, config);
  const servers: { close(): void }[] = [];
  const bff: TestBff = {
    ...t,
    app,
    async listen() {
      return new Promise((resolve) => {
        const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => resolve(`http://127.0.0.1:${info.port}`));
        serveOneOffAttach(server as Server, t.engine, config);
        servers.push(server);
      });
    },
    async close() {
      for (const s of servers) s.close();
      await t.close();
    },
    async caller(token) {
      const headers = new Headers(token ? { authorization: `Bearer ${token}` } : {});
      const ctx: Context = await createContext(t.engine, config, { headers, ip: "127.0.0.1", https: false }, new Headers());
      return createCaller(ctx);
    },
    async login(email, password = "correct horse battery") {
      const res = await bff.rest("POST", "/api/auth/login", { body: { email, password } });
      if (res.status !== 200) throw new Error(`login as ${email} failed: ${JSON.stringify(res.body)}`);
      return res.body.token as string;
    },
    async rest(method, path, options = {}) {
      const headers: Record<string, string> = { "x-forwarded-for": "192.0.2.1", ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers["content-type"] = "application/json";
      }
      const res = await app.request(path, { method, headers, body }, IN_PROCESS_PEER);
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON (e.g. the dashboard's HTML); keep the text.
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
  };
  return bff;
}

/**
 * Gives `appId` a current release of a tiny Node web app, added to the Nix store as a finished
 * build would leave it (no Nix build needed); it answers "<answer> saw <Host header>". Returns
 * the store path, for the test to delete afterwards.
 */
export async function releaseTinyApp(t: TestBff, token: string, appId: string, answer: string): Promise<string> {
  return releaseNodeApp(
    t,
    token,
    appId,
    `require("node:http").createServer((req, res) => res.end(${JSON.stringify(`${answer} saw `)} + req.headers.host)).listen(Number(process.env.PORT));`,
  );
}

/** Like releaseTinyApp, with `server.js` given: the release runs `node server.js` as its web process. */
export async function releaseNodeApp(t: TestBff, token: string, appId: string, serverJs: string): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), "skypanel-tiny-app-"));
  const out = join(work, `skypanel-tiny-app-${process.pid}-${Date.now()}`);
  mkdirSync(join(out, "app"), { recursive: true });
  writeFileSync(join(out, "app", "server.js"), serverJs);
  const added = spawnSync("nix-store", ["--add", out], { encoding: "utf8" });
  rmSync(work, { recursive: true, force: true });
  if (added.status !== 0) throw new Error(`nix-store --add failed: ${added.stderr}`);
  const storePath = added.stdout.trim();
  const [build] = await t.database.sql.query<{ id: string }>(
    `INSERT INTO builds (app_id, number, status, source_type, store_path, plan)
     VALUES ($1, 1, 'succeeded', 'archive', $2, $3) RETURNING id`,
    [appId, storePath, JSON.stringify({ processes: { web: "node server.js" } })],
  );
  const actor = { userId: (await t.engine.auth.authenticate(token))?.user.id ?? "", isAdmin: true };
  const release = await withActor(t.database.db, actor, (tx) => t.engine.releases.fromBuild(tx, actor, appId, build?.id ?? ""));
  await t.database.sql.query("UPDATE applications SET current_release_id = $1 WHERE id = $2", [release.id, appId]);
  return storePath;
}
