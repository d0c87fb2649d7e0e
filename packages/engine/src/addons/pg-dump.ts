// pg_dump and pg_restore from Debian's postgresql-client, run as the add-on's own role. The
// password goes in PGPASSWORD, never on the command line (where `ps` would show it).
import { spawn } from "node:child_process";
import { PassThrough, type Readable, type Writable } from "node:stream";

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
function start(
  command: string,
  args: string[],
  url: string | Record<string, string>,
  stdio: { stdin: "ignore" | "pipe"; stdout: "ignore" | "pipe" },
) {
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", ...(typeof url === "string" ? libpqEnv(url) : url) },
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

/**
 * Dumps the database (a URL, or libpq's environment) in pg_dump's custom format as a stream that
 * ends only once pg_dump exited 0, and fails with its error otherwise: a reader never takes a
 * dump cut short by a failed pg_dump for a whole one.
 */
export function pgDumpStream(url: string | Record<string, string>): Readable {
  const dump = start("pg_dump", ["--format=custom", "--no-owner", "--no-privileges"], url, { stdin: "ignore", stdout: "pipe" });
  const out = new PassThrough();
  if (!dump.child.stdout) throw new Error("pg_dump: its output pipe was not opened");
  dump.child.stdout.pipe(out, { end: false });
  const ended = new Promise<void>((resolve) => dump.child.stdout?.once("end", resolve));
  // A reader that stops early (its file could not be written: a full disk) ends pg_dump too; left
  // alone it blocks on its full pipe forever, holding its locks on the add-on's tables (a restore waits on them).
  out.once("close", () => {
    if (dump.child.exitCode === null && dump.child.signalCode === null) dump.child.kill("SIGTERM");
  });
  Promise.all([dump.done, ended]).then(
    () => out.end(),
    (err: Error) => out.destroy(err),
  );
  return out;
}

/** Dumps the add-on's database into `file` in pg_dump's custom format. */
export function pgDump(url: string, file: string): Promise<void> {
  return start("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", `--file=${file}`], url, {
    stdin: "ignore",
    stdout: "ignore",
  }).done;
}

/**
 * Makes the database what `source` (a file, or a stream of one) holds, in one transaction:
 * everything the add-on's role owns is dropped (tables made after the backup too), then the dump's
 * SQL (from pg_restore) runs, and COMMIT is sent only once pg_restore has produced all of it and
 * the source was read to its end without error (a decrypting stream fails on a tampered chunk). A
 * failure anywhere leaves the transaction uncommitted, so the database stays as it was.
 */
export async function pgRestore(url: string, source: string | Readable): Promise<void> {
  const psql = start("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"], url, { stdin: "pipe", stdout: "ignore" });
  const fromFile = typeof source === "string";
  const restore = start("pg_restore", ["--no-owner", "--no-privileges", "--file=-", ...(fromFile ? [source] : [])], url, {
    stdin: fromFile ? "ignore" : "pipe",
    stdout: "pipe",
  });
  const stdin = psql.child.stdin;
  const stdout = restore.child.stdout;
  if (!stdin || !stdout) throw new Error("pg_restore | psql: pipes were not opened");
  // psql may stop reading early (an error); its exit says why, not this pipe.
  stdin.on("error", () => {});
  const fed = fromFile ? Promise.resolve(null) : feed(source, restore.child.stdin);
  stdin.write("BEGIN;\nDROP OWNED BY CURRENT_USER;\n");
  stdout.pipe(stdin, { end: false });
  const restored = await restore.done.then(
    () => null,
    (err: Error) => err,
  );
  const failed = (await fed) ?? restored;
  // Ending psql's input inside the open transaction rolls it back when psql disconnects.
  stdin.end(failed ? "" : "COMMIT;\n");
  await psql.done;
  if (failed) throw failed;
}

/**
 * Pipes `source` into pg_restore and reads it to its end either way: pg_restore may close its
 * input once it has read the dump's last entry, and the rest is then drained, so an error of the
 * source itself (a tampered chunk, a failed pg_dump) is always seen and answered; else null.
 */
function feed(source: Readable, into: Writable | null): Promise<Error | null> {
  if (!into) return Promise.resolve(new Error("pg_restore: its input pipe was not opened"));
  return new Promise((resolve) => {
    into.on("error", () => {});
    into.once("close", () => {
      source.unpipe(into);
      source.resume();
    });
    source.once("error", (err) => {
      // pg_restore sees its input end early and fails; the source's error is the answer.
      into.destroy();
      resolve(err);
    });
    source.once("end", () => resolve(null));
    source.pipe(into);
  });
}
