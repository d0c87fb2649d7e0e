// The periodic add-on health check: each ready add-on's server is reached with the add-on's own
// credentials (what its apps use), and the add-on marked healthy or degraded with the reason. A
// change of state is announced (addon.updated), so the dashboards show it without a reload.
import type { Addon, AddonHealthState, Database } from "@skypanel/db";
import { listAvailableAddons, recordAddonHealth } from "@skypanel/db/queries";
import { Redis } from "ioredis";
import postgres from "postgres";

/** How long one check waits for the server before calling it unreachable. */
const CHECK_TIMEOUT_MS = 5000;
export const DEFAULT_ADDON_HEALTH_INTERVAL_MS = 30_000;

export interface AddonHealthDeps {
  db: Database;
  /** The add-on's connection URL (its own role or ACL user), opened from its sealed credentials. */
  openUrl(row: Addon): string;
  announce(addonId: string): Promise<void>;
  now(): Date;
}

/** Null when the server answered; else why not, in the driver's words. */
export async function probeAddon(type: string, url: string): Promise<string | null> {
  try {
    if (type === "postgresql") await probePostgres(url);
    else if (type === "redis") await probeRedis(url);
    else return null;
    return null;
  } catch (err) {
    const e = err as Error & { code?: string };
    return e.message || e.code || String(err);
  }
}

async function probePostgres(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: CHECK_TIMEOUT_MS / 1000, idle_timeout: 1 });
  try {
    await Promise.race([
      sql`select 1`,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS / 1000} s`)), CHECK_TIMEOUT_MS).unref(),
      ),
    ]);
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

async function probeRedis(url: string) {
  // One attempt, no reconnecting and no offline queue: a refused connection is an answer too.
  const redis = new Redis(url, {
    lazyConnect: true,
    // The add-on's ACL user may not run INFO (the ready check); PING is the check.
    enableReadyCheck: false,
    connectTimeout: CHECK_TIMEOUT_MS,
    commandTimeout: CHECK_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED…) says more than connect()'s "Connection is closed".
  let socketError: Error | null = null;
  redis.on("error", (err: Error) => {
    socketError = err;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw socketError ?? err;
  } finally {
    redis.disconnect();
  }
}

export function createAddonHealth(deps: AddonHealthDeps) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  async function checkOne(row: Addon) {
    let reason: string | null;
    try {
      reason = await probeAddon(row.type, deps.openUrl(row));
    } catch (err) {
      reason = `its credentials cannot be opened: ${(err as Error).message}`;
    }
    const state: AddonHealthState = reason === null ? "healthy" : "degraded";
    const { changed } = await recordAddonHealth(deps.db, {
      addonId: row.id,
      state,
      reason: reason && `the ${row.type === "redis" ? "Redis" : "PostgreSQL"} server does not answer: ${reason}`,
      checkedAt: deps.now(),
    });
    if (changed) await deps.announce(row.id);
  }

  /** Checks every ready add-on once, side by side; one failing check does not stop the others. */
  async function checkAll(): Promise<void> {
    const rows = await listAvailableAddons(deps.db);
    await Promise.all(rows.map((row) => checkOne(row).catch((err) => console.error(`[addons] health check of ${row.name}:`, err))));
  }

  return {
    checkAll,
    /** Checks now and then every `intervalMs`; a pass still running when the next is due is not doubled. */
    start(intervalMs = DEFAULT_ADDON_HEALTH_INTERVAL_MS) {
      if (timer) return;
      const pass = () => {
        running ??= checkAll()
          .catch((err) => console.error("[addons] health check:", (err as Error).message))
          .finally(() => {
            running = null;
          });
      };
      pass();
      timer = setInterval(pass, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}

export type AddonHealthChecks = ReturnType<typeof createAddonHealth>;
