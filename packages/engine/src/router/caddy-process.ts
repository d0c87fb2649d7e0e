// The Caddy process: adopt the one already answering at the admin address, or start our own.
// Started Caddies run in their own process group with their output in a log file, so a restart
// of the control plane leaves them serving (the next start adopts them instead of racing them).
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileSize, readTail } from "../process/log-tail.ts";
import { type CaddyAdminClient, caddyAdminClient, describeAdminAddress } from "./admin-client.ts";
import { adminConfig } from "./caddy-config.ts";
import { CaddyStartError } from "./errors.ts";
import { isCaddyOf, processAlive, unixSocketOwners } from "./port-holders.ts";
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
  /**
   * Its pid. For an adopted one, the pid in `run/caddy.pid` or behind the admin socket, once it is
   * checked to be a Caddy running in this home's `caddy/` directory; null when that cannot be told.
   */
  pid: number | null;
  /** Whether it is still alive (an adopted one without a pid: always true; ask the admin API). */
  alive(): boolean;
  /** Stops the Caddy this handle started (SIGTERM to its group, SIGKILL after 5 s); an adopted one is left alone. */
  stop(): Promise<void>;
  /** Stops it, adopted or not: SIGTERM to its group by pid (SIGKILL after 5 s), else POST /stop; resolves once it is gone. */
  terminate(): Promise<void>;
}

export interface CaddyPaths {
  dir: string;
  dataDir: string;
  configDir: string;
  log: string;
  initialConfig: string;
  runDir: string;
  /** The pid of the Caddy the platform started, so a later start can tell its own Caddy from another's. */
  pidFile: string;
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
    pidFile: join(home, "run", "caddy.pid"),
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
  return (await adoptCaddy(options)) ?? (await startCaddy(options));
}

/** The Caddy answering at the admin address, or null when none does. */
export async function adoptCaddy(options: CaddyProcessOptions): Promise<CaddyHandle | null> {
  const admin = options.admin ?? defaultAdminAddress(options.home);
  const client = caddyAdminClient(admin, { timeoutMs: 5_000 });
  if (!(await client.ping())) return null;
  // Only a pid checked to be a Caddy of this home is ever signalled.
  const dir = caddyPaths(options.home).dir;
  const pid = ownCaddyPids(options.home, admin).find((p) => isCaddyOf(p, dir)) ?? null;
  if (pid !== null) recordCaddyPid(options.home, pid);
  return {
    admin,
    client,
    adopted: true,
    pid,
    alive: () => pid === null || isCaddyOf(pid, dir),
    stop: async () => {},
    terminate: async () => {
      await (pid === null ? shutdownThroughAdmin(client) : terminatePid(pid));
      forgetCaddyPid(options.home, pid);
    },
  };
}

/**
 * This home's Caddy: the processes listening on its admin socket, and the one in `run/caddy.pid`
 * if it is a live Caddy running in `<home>/caddy`. Empty when none can be told (another user's
 * process, without root).
 */
export function ownCaddyPids(home: string, admin: AdminAddress = defaultAdminAddress(home)): number[] {
  const behindSocket = "socketPath" in admin ? unixSocketOwners(admin.socketPath) : [];
  const recorded = readCaddyPid(home);
  const checked = recorded !== null && isCaddyOf(recorded, caddyPaths(home).dir) ? [recorded] : [];
  return [...new Set([...behindSocket, ...checked])];
}

export function recordCaddyPid(home: string, pid: number): void {
  mkdirSync(caddyPaths(home).runDir, { recursive: true, mode: 0o700 });
  writeFileSync(caddyPaths(home).pidFile, `${pid}\n`, { mode: 0o600 });
}

/** Removes `run/caddy.pid` if it names `pid`. */
export function forgetCaddyPid(home: string, pid: number | null): void {
  if (pid !== null && readCaddyPid(home) === pid) rmSync(caddyPaths(home).pidFile, { force: true });
}

function readCaddyPid(home: string): number | null {
  try {
    const pid = Number(readFileSync(caddyPaths(home).pidFile, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** SIGTERM to its group (it leads one: the platform starts it detached), SIGKILL after 5 s. */
async function terminatePid(pid: number): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, name);
        return;
      } catch {
        // Not a group leader, or already gone.
      }
    }
  };
  signal("SIGTERM");
  const killAt = Date.now() + 5_000;
  while (processAlive(pid)) {
    if (Date.now() > killAt) signal("SIGKILL");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function shutdownThroughAdmin(client: CaddyAdminClient): Promise<void> {
  await client.shutdown().catch(() => {});
  const deadline = Date.now() + 10_000;
  while ((await client.ping()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/**
 * Starts a Caddy with only its admin endpoint, never adopting one. `recordPid: false` leaves
 * `run/caddy.pid` alone (a replacement started beside the running Caddy records itself once it takes over).
 */
export async function startCaddy(options: CaddyProcessOptions & { recordPid?: boolean }): Promise<CaddyHandle> {
  const admin = options.admin ?? defaultAdminAddress(options.home);
  const paths = caddyPaths(options.home);
  if ("socketPath" in admin && Buffer.byteLength(admin.socketPath) > MAX_SOCKET_PATH)
    throw new CaddyStartError(
      `The admin socket path ${admin.socketPath} is longer than ${MAX_SOCKET_PATH} bytes; use a shorter SKYPANEL_HOME.`,
      "",
    );
  const client = caddyAdminClient(admin, { timeoutMs: 5_000 });

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
        // Go collects garbage each time the heap doubles; a proxy allocates per request, and at the
        // default (100) collection took ~10 % of Caddy's CPU under load (pprof, BENCHMARKS.md issue 20).
        // Caddy's live heap is tens of MB, so four times that is still small.
        GOGC: "400",
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
    forgetCaddyPid(options.home, child.pid ?? null);
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
  if (options.recordPid !== false && child.pid) recordCaddyPid(options.home, child.pid);
  return { admin, client, adopted: false, pid: child.pid ?? null, alive: isAlive, stop, terminate: stop };
}
