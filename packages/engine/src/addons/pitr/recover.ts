// Recovery to a point in time, off to the side: the base backup is copied into a scratch data
// directory, started with the archive as its restore_command and `recovery_target_time`, and
// promoted there. Nothing of it listens on the network (a socket in its own 0700 folder only),
// it archives nothing (archive_mode off, so the real archive is never written to), and it is
// stopped and removed whatever happens. WAL is cluster-wide, so the whole server is recovered;
// the caller dumps only the add-on's database out of it.
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { run } from "../../process/run.ts";
import { asServerUser, type BaseBackup, type PitrSettings } from "./cluster.ts";

export interface RecoveredServer {
  /** libpq's environment for a database on it, as its superuser. */
  env(database: string): Record<string, string>;
}

const SCRATCH_PORT = 5432;
/** PostgreSQL's message when the archive ends before the target time (PostgreSQL 13 and later). */
const ENDED_BEFORE_TARGET = /recovery ended before configured recovery target was reached/;

const quote = (v: string) => `'${v.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
/** `2024-05-01 12:00:00.123+00`: what recovery_target_time parses unambiguously. */
export const pgTimestamp = (at: Date) => `${at.toISOString().replace("T", " ").replace("Z", "")}+00`;

/**
 * Runs `use` against the server as it was at `at`, recovered from `base` and the archive. When the
 * archive holds no commit after `at` (PostgreSQL then refuses the target), it recovers to the end
 * of the archive instead, which is the same data: nothing was committed between.
 */
export async function withServerAt<T>(
  settings: PitrSettings,
  base: BaseBackup,
  at: Date,
  use: (server: RecoveredServer) => Promise<T>,
): Promise<T> {
  try {
    return await attempt(settings, base, at, use);
  } catch (err) {
    if (!ENDED_BEFORE_TARGET.test((err as Error).message)) throw err;
    return attempt(settings, base, null, use);
  }
}

async function attempt<T>(
  settings: PitrSettings,
  base: BaseBackup,
  at: Date | null,
  use: (server: RecoveredServer) => Promise<T>,
): Promise<T> {
  const user = settings.osUser ?? "postgres";
  const scratch = join(settings.dir, `restore-${randomUUID()}`);
  const data = join(scratch, "data");
  const log = join(scratch, "server.log");
  try {
    await run("runuser", ["-u", user, "--", "mkdir", "-m", "0700", scratch], { cwd: "/" });
    const copied = await run("runuser", ["-u", user, "--", "cp", "-a", base.dataDir, data], { cwd: "/", timeoutMs: 3_600_000 });
    if (copied.code !== 0) throw new Error(`copying the base backup failed: ${copied.stderrTail}`);
    // The server's own settings (Debian keeps them in /etc, an initdb'd one in the data folder) are
    // replaced whole: ours listen nowhere, archive nothing, and recover to the target.
    const conf = [
      "listen_addresses = ''",
      `port = ${SCRATCH_PORT}`,
      `unix_socket_directories = ${quote(scratch)}`,
      `hba_file = ${quote(join(data, "pg_hba.conf"))}`,
      `ident_file = ${quote(join(data, "pg_ident.conf"))}`,
      "archive_mode = off",
      "hot_standby = off",
      "shared_buffers = 32MB",
      "max_connections = 20",
      "logging_collector = off",
      "ssl = off",
      `restore_command = ${quote(`cp "${settings.archiveDir}/%f" "%p"`)}`,
      ...(at ? [`recovery_target_time = ${quote(pgTimestamp(at))}`, "recovery_target_action = 'promote'"] : []),
    ];
    const files: [string, string][] = [
      ["postgresql.conf", `${conf.join("\n")}\n`],
      ["postgresql.auto.conf", "# replaced by SkyPanel's point-in-time recovery\n"],
      // Only the socket in this 0700 folder reaches it: the server's user, and root.
      ["pg_hba.conf", "local all all trust\n"],
      ["pg_ident.conf", ""],
      ["recovery.signal", ""],
    ];
    for (const [name, text] of files) {
      const result = await run("runuser", ["-u", user, "--", "tee", join(data, name)], { cwd: "/", input: text });
      if (result.code !== 0) throw new Error(`writing ${name} failed: ${result.stderrTail}`);
    }
    rmSync(join(data, "standby.signal"), { force: true });
    const env = (database: string) => ({
      PGHOST: scratch,
      PGPORT: String(SCRATCH_PORT),
      PGUSER: user,
      PGDATABASE: database,
      PGPASSWORD: "",
    });
    const failed = (why: string) => {
      const tail = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").slice(-8).join("\n") : "";
      return new Error(`the recovered server did not come up: ${tail || why}`);
    };
    await asServerUser(settings, "pg_ctl", ["-D", data, "-l", log, "-w", "-t", "600", "start"], 660_000).catch((err: Error) => {
      throw failed(err.message);
    });
    // pg_ctl may return while WAL is still replayed; connections open once it was promoted. A
    // recovery that fails (the target not reached) stops the server: its log says why.
    const deadline = Date.now() + 600_000;
    for (;;) {
      const ready = await run("pg_isready", ["-q"], {
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env("postgres") },
        timeoutMs: 15_000,
      });
      if (ready.code === 0) break;
      if (!existsSync(join(data, "postmaster.pid"))) throw failed("it stopped during recovery");
      if (Date.now() > deadline) throw failed("recovery took longer than 10 minutes");
      await new Promise((r) => setTimeout(r, 200));
    }
    return await use({ env });
  } finally {
    await stop(settings, data);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Stops the scratch server (immediate: its data is thrown away), by its pid if pg_ctl cannot. */
async function stop(settings: PitrSettings, data: string) {
  const pidFile = join(data, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  await asServerUser(settings, "pg_ctl", ["-D", data, "-m", "immediate", "-w", "-t", "30", "stop"], 60_000).catch(() => {
    const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
    if (pid > 1) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
  });
}
