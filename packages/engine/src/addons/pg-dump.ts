// pg_dump and pg_restore from Debian's postgresql-client, run as the add-on's own role. The
// password goes in PGPASSWORD, never on the command line (where `ps` would show it).
import { spawn } from "node:child_process";

/** libpq's environment for a postgres:// URL, so the URL itself is never an argument. */
export function libpqEnv(url: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {
    PGHOST: u.hostname.replace(/^\[|\]$/g, ""),
    PGPORT: u.port || "5432",
    PGUSER: decodeURIComponent(u.username),
    PGPASSWORD: decodeURIComponent(u.password),
    PGDATABASE: decodeURIComponent(u.pathname.slice(1)),
    PGCONNECT_TIMEOUT: "10",
  };
  const sslmode = u.searchParams.get("sslmode");
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

function run(command: string, args: string[], url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", ...libpqEnv(url) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 8_000) stderr += chunk.toString("utf8");
    });
    child.on("error", (err) =>
      reject(
        (err as NodeJS.ErrnoException).code === "ENOENT"
          ? new Error(`${command} is not installed on the control plane (Debian package postgresql-client)`)
          : err,
      ),
    );
    child.on("close", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${signal ? `was killed by ${signal}` : `exited with ${code}`}: ${stderr.trim().slice(-2_000)}`));
    });
  });
}

/** Dumps the add-on's database into `file` in pg_dump's custom format. */
export function pgDump(url: string, file: string): Promise<void> {
  return run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", `--file=${file}`], url);
}

/**
 * Restores `file` into the database: what the dump holds is dropped and made again from it, in
 * one transaction, so a failed restore leaves the database as it was.
 */
export function pgRestore(url: string, file: string): Promise<void> {
  // Without --dbname pg_restore prints SQL instead; the name alone carries no secret.
  const dbname = libpqEnv(url).PGDATABASE ?? "";
  const args = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"];
  return run("pg_restore", [...args, `--dbname=${dbname}`, file], url);
}
