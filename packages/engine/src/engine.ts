import { type Database, migrateUp, type SqlRunner } from "@skypanel/db";
import { ensureEncryptionKey } from "@skypanel/db/queries";
import { createApps } from "./apps/index.ts";
import { createAudit } from "./audit/index.ts";
import { createAuth, memoryRateLimiter, type RateLimiter } from "./auth/index.ts";
import { createConfigVars } from "./config-vars/index.ts";
import type { EngineDeps } from "./deps.ts";
import { openKeyring } from "./secrets/index.ts";
import { createTeams } from "./teams/index.ts";
import { createUsers } from "./users/index.ts";

export interface EngineOptions {
  db: Database;
  sql: SqlRunner;
  /** $SKYPANEL_HOME: key files and (for PGlite) the database live here. */
  home: string;
  limiter?: RateLimiter;
  now?: () => Date;
}

/** Migrates the database, opens the keyring, and assembles every engine area. */
export async function createEngine(options: EngineOptions) {
  await migrateUp(options.sql);
  const keyring = openKeyring(options.home);
  await ensureEncryptionKey(options.db, keyring.currentId);
  const deps: EngineDeps = {
    db: options.db,
    keyring,
    limiter: options.limiter ?? memoryRateLimiter(),
    now: options.now ?? (() => new Date()),
  };
  const apps = createApps(deps);
  return {
    deps,
    auth: createAuth(deps),
    users: createUsers(deps),
    teams: createTeams(deps),
    apps,
    config: createConfigVars(deps, apps),
    audit: createAudit(deps, apps),
  };
}

export type Engine = Awaited<ReturnType<typeof createEngine>>;
