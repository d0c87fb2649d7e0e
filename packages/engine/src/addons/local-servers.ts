// Add-ons out of the box: when the operator names no add-on servers, the platform uses this
// machine's PostgreSQL and Redis (scripts/up.sh installs and starts them), through a role and
// an ACL user of its own whose password it makes and keeps. It never asks for a superuser's
// password: PostgreSQL's local superuser is reached by peer authentication (`runuser -u
// postgres`), Redis's default user on loopback has none (Debian's default).
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../process/run.ts";
import { openRedis } from "./redis-client.ts";

export interface LocalAddonServers {
  postgresUrl?: string;
  redisUrl?: string;
  /** One line per server, for the start-up log: registered, or why not. */
  notes: string[];
}

export interface LocalServerOptions {
  /** `$SKYPANEL_HOME`: the credentials file lives in its `keys/`. */
  home: string;
  /** Which to set up (those the operator did not configure). */
  postgresql: boolean;
  redis: boolean;
  postgresPort?: number;
  redisPort?: number;
}

interface Credentials {
  role: string;
  password: string;
}

/**
 * One role/user name per home, so two platforms (or test runs) on one machine never rotate each
 * other's password; the password is made once and kept in `keys/` (0600).
 */
function credentials(home: string): Credentials {
  const file = join(home, "keys", "local-addon-servers.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as Credentials;
  mkdirSync(join(home, "keys"), { recursive: true, mode: 0o700 });
  const role = `skypanel_${createHash("sha256").update(home).digest("hex").slice(0, 12)}`;
  const made: Credentials = { role, password: randomBytes(24).toString("hex") };
  writeFileSync(file, `${JSON.stringify(made)}\n`, { mode: 0o600 });
  return made;
}

/** Makes (or resets the password of) the platform's own role on the local PostgreSQL, as its superuser. */
async function setUpPostgres(c: Credentials, port: number): Promise<void> {
  // Name and password are [a-z0-9_] only, so they cannot leave their quotes. Sent on stdin so the
  // password is not in any process's arguments.
  const sql = `DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${c.role}') THEN
      CREATE ROLE ${c.role} LOGIN CREATEDB CREATEROLE PASSWORD '${c.password}';
    ELSE
      ALTER ROLE ${c.role} LOGIN CREATEDB CREATEROLE PASSWORD '${c.password}';
    END IF;
  END $$;\n`;
  const result = await run(
    "runuser",
    ["-u", "postgres", "--", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-p", String(port), "-d", "postgres"],
    {
      // The platform's own folder may be closed to user postgres.
      cwd: "/",
      input: sql,
      timeoutMs: 15_000,
    },
  );
  if (result.code !== 0) throw new Error(result.stderrTail || `psql exited with ${result.code}`);
}

/** Makes (or resets) the platform's own ACL user on the local Redis, as its default user. */
async function setUpRedis(c: Credentials, port: number): Promise<void> {
  const redis = await openRedis(`redis://127.0.0.1:${port}`);
  try {
    // It makes and removes the add-ons' users and their keys, so it needs every command.
    await redis.call("ACL", "SETUSER", c.role, "reset", "on", `>${c.password}`, "~*", "&*", "+@all");
  } finally {
    redis.disconnect();
  }
}

/** Registers this machine's PostgreSQL and Redis as the add-on servers; a missing one is a note, not a failure. */
export async function localAddonServers(options: LocalServerOptions): Promise<LocalAddonServers> {
  const out: LocalAddonServers = { notes: [] };
  if (!options.postgresql && !options.redis) return out;
  const c = credentials(options.home);
  const pgPort = options.postgresPort ?? 5432;
  const redisPort = options.redisPort ?? 6379;
  if (options.postgresql) {
    try {
      await setUpPostgres(c, pgPort);
      out.postgresUrl = `postgres://${c.role}:${c.password}@127.0.0.1:${pgPort}/postgres`;
      out.notes.push(`PostgreSQL add-ons on this machine's server (127.0.0.1:${pgPort}, role ${c.role})`);
    } catch (err) {
      out.notes.push(
        `PostgreSQL add-ons are off: this machine's PostgreSQL on port ${pgPort} could not be set up (${firstLine(err)}); ` +
          "scripts/up.sh installs and starts it, or set SKYPANEL_ADDON_POSTGRES_URL",
      );
    }
  }
  if (options.redis) {
    try {
      await setUpRedis(c, redisPort);
      out.redisUrl = `redis://${c.role}:${c.password}@127.0.0.1:${redisPort}`;
      out.notes.push(`Redis add-ons on this machine's server (127.0.0.1:${redisPort}, user ${c.role})`);
    } catch (err) {
      out.notes.push(
        `Redis add-ons are off: this machine's Redis on port ${redisPort} could not be set up (${firstLine(err)}); ` +
          "scripts/up.sh installs and starts it, or set SKYPANEL_ADDON_REDIS_URL",
      );
    }
  }
  return out;
}

function firstLine(err: unknown): string {
  return ((err as Error)?.message ?? String(err)).split("\n")[0]?.trim() ?? "";
}
