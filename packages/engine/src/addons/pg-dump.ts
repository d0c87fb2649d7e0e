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

/** Starts a libpq program; `done` settles with its exit (stderr's tail in the error). */
function start(command: string, args: string[], url: string, stdio: { stdin: "ignore" | "pipe"; stdout: "ignore" | "pipe" }) {
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", ...libpqEnv(url) },
    stdio: [stdio.stdin, stdio.stdout, "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    if (stderr.length < 8_000) stderr += chunk.toString("utf8");
  });
  const done = new Promise<void>((resolve, reject) => {
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
  return { child, done };
}

/** Dumps the add-on's database into `file` in pg_dump's custom format. */
export function pgDump(url: string, file: string): Promise<void> {
  return start("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", `--file=${file}`], url, {
    stdin: "ignore",
    stdout: "ignore",
  }).done;
}

/**
 * Makes the database what `file` holds, in one transaction: everything the add-on's role owns is
 * dropped (tables made after the backup too), then the dump's SQL (from pg_restore) runs, and
 * COMMIT is sent only once pg_restore has produced all of it. A failure anywhere leaves the
 * transaction uncommitted, so the database stays as it was.
 */
export async function pgRestore(url: string, file: string): Promise<void> {
  const psql = start("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"], url, { stdin: "pipe", stdout: "ignore" });
  const restore = start("pg_restore", ["--no-owner", "--no-privileges", "--file=-", file], url, { stdin: "ignore", stdout: "pipe" });
  const stdin = psql.child.stdin;
  const stdout = restore.child.stdout;
  if (!stdin || !stdout) throw new Error("pg_restore | psql: pipes were not opened");
  // psql may stop reading early (an error); its exit says why, not this pipe.
  stdin.on("error", () => {});
  stdin.write("BEGIN;\nDROP OWNED BY CURRENT_USER;\n");
  stdout.pipe(stdin, { end: false });
  const restored = await restore.done.then(
    () => null,
    (err: Error) => err,
  );
  // Ending psql's input inside the open transaction rolls it back when psql disconnects.
  stdin.end(restored ? "" : "COMMIT;\n");
  await psql.done;
  if (restored) throw restored;
}
