// The Caddy process: adopt the one already answering at the admin address, or start our own.
// Started Caddies run in their own process group with their output in a log file, so a restart
// of the control plane leaves them serving (the next start adopts them instead of racing them).
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, closeSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CaddyAdminClient, caddyAdminClient, describeAdminAddress } from "./admin-client.ts";
import { adminConfig } from "./caddy-config.ts";
import { CaddyStartError } from "./errors.ts";
import type { AdminAddress } from "./types.ts";

export interface CaddyProcessOptions {
  /** `$SKYPANEL_HOME`: Caddy's storage and config dirs go under `caddy/`, the admin socket under `run/`. */
  home: string;
  /** Default: the unix socket `$SKYPANEL_HOME/run/caddy-admin.sock`. */
  admin?: AdminAddress;
  /** Default `caddy` from PATH (Debian's package). */
  caddyBinary?: string;
  startTimeoutMs?: number;
}

export interface CaddyHandle {
  admin: AdminAddress;
  client: CaddyAdminClient;
  /** True when another process started this Caddy and it was only adopted. */
  adopted: boolean;
  /** The pid of the Caddy this handle started; null when adopted. */
  pid: number | null;
  /** Whether the Caddy this handle started is still alive (adopted ones: always true; ask the admin API). */
  alive(): boolean;
  /** Stops the Caddy this handle started (SIGTERM to its group, SIGKILL after 5 s); an adopted one is left alone. */
  stop(): Promise<void>;
}

export interface CaddyPaths {
  dir: string;
  dataDir: string;
  configDir: string;
  log: string;
  initialConfig: string;
  runDir: string;
}

export function caddyPaths(home: string): CaddyPaths {
  const dir = join(home, "caddy");
  return {
    dir,
    dataDir: join(dir, "data"),
    configDir: join(dir, "config"),
    log: join(dir, "caddy.log"),
    initialConfig: join(dir, "initial.json"),
    runDir: join(home, "run"),
  };
}

/**
 * The admin API can rewrite every route (and so take over any app's traffic), so apps must
 * never reach it. A TCP port on loopback is reachable by every local process, including an app
 * sharing the host's network; a unix socket in a directory only the platform's user may enter is not.
 */
export function defaultAdminAddress(home: string): AdminAddress {
  return { socketPath: join(caddyPaths(home).runDir, "caddy-admin.sock") };
}

// sockaddr_un holds 108 bytes including the final NUL.
const MAX_SOCKET_PATH = 107;

export async function startOrAdoptCaddy(options: CaddyProcessOptions): Promise<CaddyHandle> {
  const admin = options.admin ?? defaultAdminAddress(options.home);
  const paths = caddyPaths(options.home);
  if ("socketPath" in admin && Buffer.byteLength(admin.socketPath) > MAX_SOCKET_PATH)
    throw new CaddyStartError(
      `The admin socket path ${admin.socketPath} is longer than ${MAX_SOCKET_PATH} bytes; use a shorter SKYPANEL_HOME.`,
      "",
    );
  const client = caddyAdminClient(admin, { timeoutMs: 5_000 });
  if (await client.ping()) {
    return { admin, client, adopted: true, pid: null, alive: () => true, stop: async () => {} };
  }

  mkdirSync(paths.runDir, { recursive: true, mode: 0o700 });
  chmodSync(paths.runDir, 0o700);
  for (const dir of [paths.dir, paths.dataDir, paths.configDir]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Only the admin endpoint: routes come through the admin API. Nothing is saved to disk.
  writeFileSync(paths.initialConfig, `${JSON.stringify({ admin: adminConfig(admin) }, null, 2)}\n`);
  const logStart = fileSize(paths.log);
  const log = openSync(paths.log, "a");
  let child: ChildProcess;
  try {
    child = spawn(options.caddyBinary ?? "caddy", ["run", "--config", paths.initialConfig], {
      // Its own directory as cwd, so a stray Caddyfile is never picked up.
      cwd: paths.dir,
      // None of the platform's environment (database URLs, keys): Caddy needs only its dirs.
      env: {
        PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
        HOME: paths.dir,
        XDG_DATA_HOME: paths.dataDir,
        XDG_CONFIG_HOME: paths.configDir,
      },
      detached: true,
      stdio: ["ignore", log, log],
    });
  } finally {
    closeSync(log);
  }
  child.unref();
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  let spawnError: Error | null = null;
  child.once("error", (err) => {
    spawnError = err;
  });
  const isAlive = () => spawnError === null && child.exitCode === null && child.signalCode === null;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const stop = async () => {
    if (!isAlive()) return;
    killGroup("SIGTERM");
    const timer = setTimeout(() => killGroup("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  while (!(await client.ping())) {
    if (!isAlive() || Date.now() > deadline) {
      const why = spawnError
        ? `Cannot run ${options.caddyBinary ?? "caddy"}: ${(spawnError as Error).message} (install Debian's caddy package).`
        : isAlive()
          ? `Caddy did not open its admin API at ${describeAdminAddress(admin)} within ${options.startTimeoutMs ?? 10_000} ms.`
          : `Caddy exited while starting (${child.exitCode ?? child.signalCode}).`;
      await stop();
      throw new CaddyStartError(why, readTail(paths.log, logStart));
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { admin, client, adopted: false, pid: child.pid ?? null, alive: isAlive, stop };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** What Caddy logged since `from`, the last 2 KiB of it. */
function readTail(path: string, from: number): string {
  const size = fileSize(path);
  const start = Math.max(from, size - 2048);
  if (size <= start) return "";
  const buf = Buffer.alloc(size - start);
  const fd = openSync(path, "r");
  try {
    readSync(fd, buf, 0, buf.length, start);
  } finally {
    closeSync(fd);
  }
  return buf.toString("utf8").trim();
}
