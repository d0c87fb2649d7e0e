// A platform for chaos cases: its own SKYPANEL_HOME, run as `node` itself (no npm or shell in
// between), so the test can SIGKILL exactly the control plane's process and start it again on
// the same home, while the apps and Caddy it started keep running.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@skypanel/engine/router-testing";
import { type Platform, startPlatform, stopPlatform } from "../platform-process.testing.ts";

const REPO = resolve(fileURLToPath(new URL("../../../..", import.meta.url)));
const ADMIN = { email: "chaos@example.com", password: "correct horse battery" };

export interface ChaosPlatform {
  home: string;
  api: string;
  httpPort: number;
  process(): Platform;
  /** A JSON call to the REST API as the admin; a refused connection answers status 0. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields directly
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Uploads a gzipped tar of an app's source as a new build; its id. */
  upload(app: string, archive: Buffer): Promise<string>;
  /** Polls `read` every 500 ms until `done`, or throws after `timeoutMs` with the platform's output. */
  until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number): Promise<T>;
  /** SIGKILL to the control plane's node process only; resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts the control plane again on the same home and ports; resolves when /healthz answers 200. */
  start(): Promise<void>;
  /** SIGTERM, stopping the apps and Caddy with it (SKYPANEL_STOP_APPS_ON_EXIT=1). */
  stop(): Promise<void>;
  /**
   * For afterAll: stops the apps and Caddy even when a case left the control plane dead (a start
   * only to stop them), and Caddy by its pid when even that start fails.
   */
  release(): Promise<void>;
}

/** `gateway`: the add-on gateway's two ports (15400–15499), distinct from other tests' platforms. */
export async function chaosPlatform(home: string, gateway: number): Promise<ChaosPlatform> {
  const port = await freePort();
  const httpPort = await freePort();
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(SKYPANEL_|DATABASE_URL$|VITEST|NODE_ENV$)/.test(k)) env[k] = v;
  Object.assign(env, {
    SKYPANEL_HOME: home,
    SKYPANEL_PORT: String(port),
    SKYPANEL_HTTP_PORT: String(httpPort),
    SKYPANEL_HTTPS_PORT: String(await freePort()),
    SKYPANEL_ADMIN_EMAIL: ADMIN.email,
    SKYPANEL_ADMIN_PASSWORD: ADMIN.password,
    SKYPANEL_WEB_DIST: "/nonexistent-web-dist",
    SKYPANEL_ADDON_LOCAL_SERVERS: "off",
    SKYPANEL_ADDON_POSTGRES_GATEWAY_PORT: String(gateway),
    SKYPANEL_ADDON_REDIS_GATEWAY_PORT: String(gateway + 1),
    SKYPANEL_STOP_APPS_ON_EXIT: "1",
  });
  const api = `http://127.0.0.1:${port}`;
  let platform: Platform | null = null;
  let token = "";

  const until: ChaosPlatform["until"] = async (what, read, done, timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline)
        throw new Error(`${what}: not so after ${timeoutMs / 1000} s: ${JSON.stringify(value)}\n${platform?.output().slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  const self: ChaosPlatform = {
    home,
    api,
    httpPort,
    process: () => {
      if (!platform) throw new Error("the platform is not started");
      return platform;
    },
    async call(method, path, body) {
      const res = await fetch(`${api}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).catch(() => null);
      if (!res) return { status: 0, body: null };
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async upload(app, archive) {
      const form = new FormData();
      form.append("archive", new Blob([new Uint8Array(archive)], { type: "application/gzip" }), "app.tar.gz");
      const res = await fetch(`${api}/api/apps/${app}/builds`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      const body = (await res.json()) as { id?: string };
      if (res.status !== 202 || !body.id) throw new Error(`upload to ${app}: ${res.status} ${JSON.stringify(body)}`);
      return body.id;
    },
    until,
    async kill() {
      const p = self.process();
      process.kill(p.child.pid as number, "SIGKILL");
      await p.exited;
    },
    async start() {
      // node itself, as scripts/start.mjs would run it after its dashboard check.
      platform = startPlatform(REPO, [process.execPath, "--import", "tsx", "apps/bff/src/main.ts"], env);
      const p = platform;
      await until(
        "the platform's start",
        async () => {
          if (p.child.exitCode !== null) throw new Error(`the platform exited with ${p.child.exitCode}:\n${p.output()}`);
          return fetch(`${api}/healthz`).then(
            (r) => r.status,
            () => 0,
          );
        },
        (s) => s === 200,
        180_000,
      );
      const login = await fetch(`${api}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(ADMIN),
      });
      if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
      token = ((await login.json()) as { token: string }).token;
    },
    stop: () => stopPlatform(platform),
    async release() {
      const alive = platform && platform.child.exitCode === null && platform.child.signalCode === null;
      if (!alive && platform) await self.start().catch((err: Error) => console.error(`[chaos] the clean-up start failed: ${err.message}`));
      await stopPlatform(platform);
      try {
        const pid = Number(readFileSync(join(home, "run", "caddy.pid"), "utf8").trim());
        // Only this home's Caddy: the pid may have gone to another process since.
        if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(home)) process.kill(pid, "SIGKILL");
      } catch {
        // Stopped with the platform, as it should be.
      }
    },
  };
  return self;
}
