// The instance's first process on the host: a shell that joins the instance's cgroups, so that
// everything it starts is counted and limited, then runs the sandbox and records its exit code.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";

const SCRIPT = `exit_file=$1; shift
while [ "$1" != "--" ]; do echo $$ > "$1" || exit 125; shift; done
shift
"$@" &
wait $!
code=$?
echo $code > "$exit_file.tmp" && mv "$exit_file.tmp" "$exit_file"
exit $code`;

export const HOST_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

/** Opens the instance's log files for appending: the process writes there, not to our pipes. */
export function logFiles(dir: string): { stdout: string; stderr: string; fds: [number, number] } {
  const stdout = join(dir, "stdout");
  const stderr = join(dir, "stderr");
  return { stdout, stderr, fds: [openSync(stdout, "a", 0o600), openSync(stderr, "a", 0o600)] };
}

/** Detached (its own session), so it outlives the control plane. */
export function spawnDetached(command: string, args: string[], opts: { dir: string; cwd: string; env: NodeJS.ProcessEnv }): ChildProcess {
  const { fds } = logFiles(opts.dir);
  try {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ["ignore", fds[0], fds[1]] });
    child.unref();
    return child;
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

export function spawnLauncher(dir: string, procsFiles: string[], argv: string[]): ChildProcess {
  return spawnDetached("/bin/sh", ["-c", SCRIPT, "skypanel-launcher", join(dir, "exit"), ...procsFiles, "--", ...argv], {
    dir,
    cwd: "/",
    env: { PATH: HOST_PATH },
  });
}

/** The sandbox's exit code as the launcher recorded it, for an instance started by an earlier control plane. */
export function recordedExitCode(dir: string): number | null {
  try {
    const code = Number(readFileSync(join(dir, "exit"), "utf8").trim());
    return Number.isInteger(code) ? code : null;
  } catch {
    return null;
  }
}

export function childExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once("exit", (code, signal) => resolve({ code, signal }));
  });
}
