// The load benchmark's platform: apps/bff as its own process group (as `npm start` runs it), on
// free ports with its own SKYPANEL_HOME, optionally under `node --cpu-prof`; and the CPU time a
// process has used, read from /proc, to tell which process was busy during a load step.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@skypanel/engine/router-testing";
import { startPlatform, stopPlatform } from "../apps/bff/src/platform-process.testing.ts";
import { ROOT } from "./harness.ts";

export const ADMIN = { email: "bench@example.com", password: "bench-password" };

export interface LoadPlatform {
  url: string;
  /** The port Caddy serves apps on (runtime on). */
  httpPort: number;
  pid: number;
  home: string;
  token: string;
  output(): string;
  /** SIGTERM to the group (SIGKILL after 30 s); the home goes unless `keepHome`. */
  stop(keepHome?: boolean): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** Reuse a home (the PGlite data of an earlier start). */
  home?: string;
}

export async function startLoadPlatform(options: StartOptions = {}): Promise<LoadPlatform> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), "skypanel-load-"));
  const port = await freePort();
  const httpPort = await freePort();
  const env: NodeJS.ProcessEnv = {};
  // The bench's own settings (a DATABASE_URL, test variables) must not leak into the platform.
  for (const [k, v] of Object.entries(process.env)) if (!/^(SKYPANEL_|DATABASE_URL$|VITEST|NODE_ENV$)/.test(k)) env[k] = v;
  const platform = startPlatform(
    ROOT,
    [process.execPath, ...(options.nodeArgs ?? []), "--import", "tsx", join(ROOT, "apps/bff/src/main.ts")],
    {
      ...env,
      SKYPANEL_HOME: home,
      SKYPANEL_PORT: String(port),
      SKYPANEL_HTTP_PORT: String(httpPort),
      SKYPANEL_HTTPS_PORT: String(await freePort()),
      SKYPANEL_ADMIN_EMAIL: ADMIN.email,
      SKYPANEL_ADMIN_PASSWORD: ADMIN.password,
      SKYPANEL_ADDON_LOCAL_SERVERS: "off",
      SKYPANEL_STOP_APPS_ON_EXIT: "1",
      ...options.env,
    },
  );
  const { child } = platform;
  const output = () => platform.output();
  const pid = child.pid as number;
  const stop = async (keepHome = false) => {
    await stopPlatform(platform);
    if (!keepHome) rmSync(home, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`the platform exited with ${child.exitCode}:\n${output()}`);
      const up = await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (i > 240) throw new Error(`the platform did not answer /healthz within 120 s:\n${output()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const res = await fetch(`${url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ADMIN),
    });
    if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
    const token = ((await res.json()) as { token: string }).token;
    return { url, httpPort, pid, home, token, output, stop };
  } catch (err) {
    await stop(Boolean(options.home));
    throw err;
  }
}

/** User + system CPU seconds a process has used so far (0 when it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 14th and 15th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Seconds the process's main thread has waited for a CPU while runnable (/proc/<pid>/schedstat). */
export function runQueueWaitSeconds(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[1]) / 1e9;
  } catch {
    return 0;
  }
}
