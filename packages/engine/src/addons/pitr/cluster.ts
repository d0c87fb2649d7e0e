// The managed PostgreSQL server's side of point-in-time recovery: its base backups (pg_basebackup,
// run as the OS user PostgreSQL runs as, by peer authentication on its Unix socket, as
// local-servers.ts reaches it) and the WAL its archive_command copied into the archive folder.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../../process/run.ts";

export interface PitrSettings {
  /** The folder the server's archive_command copies WAL segments into. */
  archiveDir: string;
  /** Base backups and scratch clusters for restores; the OS user `osUser` must be able to write here. */
  dir: string;
  /** The server's Unix socket folder (default /var/run/postgresql). */
  socketDir?: string;
  /** The server's port (default: the add-on server URL's). */
  port?: number;
  /** The OS user PostgreSQL runs as, and its superuser role (default postgres). */
  osUser?: string;
  /** PostgreSQL's server programs (default: the newest /usr/lib/postgresql/<version>/bin). */
  binDir?: string;
  /** Base backups kept (default 2); archived WAL older than the oldest kept one is removed. */
  keepBaseBackups?: number;
}

export interface BaseBackup {
  name: string;
  dataDir: string;
  startedAt: Date;
  /** Recovery can reach times from here on (the backup is consistent by then). */
  finishedAt: Date;
}

/** The newest installed PostgreSQL's server programs (Debian keeps them out of PATH). */
export function serverBinDir(settings: Pick<PitrSettings, "binDir">): string {
  if (settings.binDir) return settings.binDir;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, "bin", "pg_basebackup")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) throw new Error("PostgreSQL's server programs are not installed (Debian package postgresql)");
  return join(root, versions[0], "bin");
}

/** Runs a PostgreSQL program as the server's OS user; its stderr's tail in the error. */
export async function asServerUser(settings: PitrSettings, program: string, args: string[], timeoutMs = 300_000) {
  const bin = join(serverBinDir(settings), program);
  // cwd "/": the platform's own folders may be closed to that user.
  const result = await run("runuser", ["-u", settings.osUser ?? "postgres", "--", bin, ...args], { cwd: "/", timeoutMs });
  if (result.code !== 0) throw new Error(`${program} exited with ${result.code}: ${result.stderrTail.trim().slice(-2_000)}`);
  return result;
}

const baseRoot = (settings: PitrSettings) => join(settings.dir, "base");

/** Base backups, oldest first. */
export function listBaseBackups(settings: PitrSettings): BaseBackup[] {
  const root = baseRoot(settings);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((f) => f.endsWith(".json"))
    .flatMap((f) => {
      const name = f.slice(0, -".json".length);
      const meta = JSON.parse(readFileSync(join(root, f), "utf8")) as { startedAt: string; finishedAt: string };
      const dataDir = join(root, name);
      return existsSync(dataDir) ? [{ name, dataDir, startedAt: new Date(meta.startedAt), finishedAt: new Date(meta.finishedAt) }] : [];
    })
    .sort((a, b) => a.finishedAt.getTime() - b.finishedAt.getTime());
}

/** Takes a base backup of the whole server (fast checkpoint, WAL streamed alongside), then drops the oldest beyond `keepBaseBackups`. */
export async function takeBaseBackup(settings: PitrSettings, port: number, now: () => Date): Promise<BaseBackup> {
  const root = baseRoot(settings);
  mkdirSync(root, { recursive: true, mode: 0o755 });
  const startedAt = now();
  const name = `base-${startedAt.toISOString().replace(/[-:.]/g, "")}`;
  const dataDir = join(root, name);
  // The folder is made by the server's user (pg_basebackup wants an empty or missing one it owns).
  await run("chown", [settings.osUser ?? "postgres", root]);
  try {
    await asServerUser(settings, "pg_basebackup", [
      "-h",
      settings.socketDir ?? "/var/run/postgresql",
      "-p",
      String(port),
      "-U",
      settings.osUser ?? "postgres",
      "-D",
      dataDir,
      "--checkpoint=fast",
      "--wal-method=stream",
      "--no-password",
    ]);
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const made: BaseBackup = { name, dataDir, startedAt, finishedAt: now() };
  writeFileSync(join(root, `${name}.json`), JSON.stringify({ startedAt, finishedAt: made.finishedAt }));
  const all = listBaseBackups(settings);
  for (const old of all.slice(0, Math.max(0, all.length - (settings.keepBaseBackups ?? 2)))) {
    rmSync(old.dataDir, { recursive: true, force: true });
    rmSync(join(root, `${old.name}.json`), { force: true });
  }
  // WAL from before the oldest kept base backup can no longer be replayed from anything.
  const oldest = listBaseBackups(settings)[0];
  const label = oldest ? readFileSync(join(oldest.dataDir, "backup_label"), "utf8") : "";
  const firstWal = /START WAL LOCATION: .*\(file ([0-9A-F]{24})\)/.exec(label)?.[1];
  if (firstWal) await run(join(serverBinDir(settings), "pg_archivecleanup"), [settings.archiveDir, firstWal], { timeoutMs: 60_000 });
  return made;
}

/** The newest time the archive covers: when its newest WAL segment was archived (null: none yet). */
export function archivedUntil(settings: PitrSettings): Date | null {
  if (!existsSync(settings.archiveDir)) return null;
  let newest = 0;
  for (const f of readdirSync(settings.archiveDir)) {
    if (!/^[0-9A-F]{24}$/.test(f)) continue;
    newest = Math.max(newest, statSync(join(settings.archiveDir, f)).mtimeMs);
  }
  return newest ? new Date(newest) : null;
}
