// A control plane process for a chaos case: `tsx apps/bff/src/main.ts` from this checkout (no dashboard
// build, no runtime unless asked), its own port and home, the first admin logged in.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@skypanel/engine/router-testing";
import { type Platform, startPlatform, stopPlatform } from "../platform-process.testing.ts";

export const REPO = resolve(fileURLToPath(new URL("../../../..", import.meta.url)));
const ADMIN = { email: "chaos@example.com", password: "correct horse battery" };

export interface ControlPlane {
  api: string;
  token: string;
  platform: Platform;
  /** A JSON call to the API with the admin's token; never throws (status 0: no answer, with why). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields directly
  call(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<{ status: number; body: any; ms: number }>;
  /** Polls `read` every 500 ms until `done`, for at most `timeoutMs`; the platform's output on failure. */
  until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number): Promise<T>;
  stop(): Promise<void>;
}

export async function startControlPlane(home: string, env: Record<string, string>): Promise<ControlPlane> {
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const base: NodeJS.ProcessEnv = {};
  // The machine's environment, less anything that names add-on servers, a database or a test runner.
  for (const [k, v] of Object.entries(process.env)) if (!/^(SKYPANEL_|DATABASE_URL$|VITEST|NODE_ENV$)/.test(k)) base[k] = v;
  const platform = startPlatform(REPO, ["node_modules/.bin/tsx", "apps/bff/src/main.ts"], {
    ...base,
    SKYPANEL_HOME: home,
    SKYPANEL_PORT: String(port),
    SKYPANEL_RUNTIME: "off",
    SKYPANEL_ADDON_LOCAL_SERVERS: "off",
    SKYPANEL_WEB_DIST: "/nonexistent-web-dist",
    SKYPANEL_ADMIN_EMAIL: ADMIN.email,
    SKYPANEL_ADMIN_PASSWORD: ADMIN.password,
    ...env,
  });
  const chaos: ControlPlane = {
    api,
    token: "",
    platform,
    async call(method, path, body, timeoutMs = 15_000) {
      const started = performance.now();
      try {
        const res = await fetch(`${api}${path}`, {
          method,
          headers: { authorization: `Bearer ${chaos.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await res.text();
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // Not JSON: kept as text, for the assertion's message.
        }
        return { status: res.status, body: parsed, ms: performance.now() - started };
      } catch (err) {
        return { status: 0, body: (err as Error).message, ms: performance.now() - started };
      }
    },
    async until(what, read, done, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (platform.child.exitCode !== null)
          throw new Error(`${what}: the platform exited with ${platform.child.exitCode}:\n${platform.output()}`);
        const value = await read();
        if (done(value)) return value;
        if (Date.now() > deadline)
          throw new Error(`${what}: not in ${timeoutMs / 1000} s: ${JSON.stringify(value)}\n${platform.output().slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    },
    stop: () => stopPlatform(platform),
  };
  try {
    await chaos.until(
      "the platform's start",
      () => chaos.call("GET", "/healthz", undefined, 5000),
      (r) => r.status === 200,
      120_000,
    );
    const login = await chaos.call("POST", "/api/auth/login", ADMIN);
    if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
    chaos.token = login.body.token;
  } catch (err) {
    await stopPlatform(platform);
    throw err;
  }
  return chaos;
}

/** Runs every clean-up step whatever the others did (each one's failure logged): nothing a case started may outlive it. */
export async function cleanUp(...steps: (() => unknown)[]): Promise<void> {
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      console.error("[chaos] clean-up:", err);
    }
  }
}
