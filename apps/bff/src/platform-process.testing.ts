// For tests that run the platform as its user does, as processes of its own: start and stop one
// (its whole process group), and the bits of HTTP they need (an archive of a folder, multipart).
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function archive(dir: string): Buffer {
  const out = join(mkdtempSync(join(tmpdir(), "skypanel-archive-")), "app.tar.gz");
  execFileSync("tar", ["-czf", out, "-C", dir, "."]);
  const bytes = readFileSync(out);
  rmSync(join(out, ".."), { recursive: true, force: true });
  return bytes;
}

/** A multipart/form-data body: text fields first, then the file in the field `archive`. */
export function multipart(file: Buffer, filename: string, fields: Record<string, string> = {}) {
  const boundary = `----skypanel${Date.now()}`;
  const texts = Object.entries(fields)
    .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
    .join("");
  const head = Buffer.from(
    `${texts}--${boundary}\r\nContent-Disposition: form-data; name="archive"; filename="${filename}"\r\nContent-Type: application/gzip\r\n\r\n`,
  );
  return {
    body: Buffer.concat([head, file, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

export const asSuperuser = (sql: string) =>
  spawnSync("runuser", ["-u", "postgres", "--", "psql", "-X", "-q", "-At", "-d", "postgres", "-c", sql], { cwd: "/", encoding: "utf8" });

/** A platform process started from the clone (`bash scripts/up.sh` or `npm start`), its output kept. */
export interface Platform {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

export function startPlatform(cwd: string, command: string[], env: NodeJS.ProcessEnv): Platform {
  const child = spawn(command[0] as string, command.slice(1), { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"], env });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, output: () => output, exited };
}

/** SIGTERM to the platform's process group; SIGKILL if it has not stopped in 30 s. */
export async function stopPlatform(p: Platform | null): Promise<void> {
  if (!p?.child.pid || p.child.exitCode !== null || p.child.signalCode !== null) return;
  const pid = p.child.pid;
  process.kill(-pid, "SIGTERM");
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }, 30_000);
  await p.exited;
  clearTimeout(timer);
}
