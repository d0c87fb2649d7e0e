// `npm start` run without npm: npm's own start-up costs ~250 ms of CPU per instance (measured:
// 390 ms for `npm start` against 137 ms for its script alone), which is most of what scaling
// 1 → 10 instances waits for on a small host. npm would only look up the script and run it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface DirectStart {
  /** The start script itself, run by /bin/sh as npm runs it. */
  command: string;
  /** What npm adds to the script's environment (the ones scripts read: its package, event, .bin on PATH). */
  env: Record<string, string>;
}

/**
 * The start script of `<appDir>/package.json` when `command` is a plain `npm start` and npm would
 * do nothing but run it: no prestart/poststart hooks, a string script. Otherwise null (npm runs).
 */
export function directNpmStart(appDir: string, command: string, path: string): DirectStart | null {
  if (command.trim() !== "npm start") return null;
  const file = join(appDir, "package.json");
  if (!existsSync(file)) return null;
  let pkg: { name?: unknown; version?: unknown; scripts?: Record<string, unknown> };
  try {
    pkg = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
  const scripts = pkg?.scripts;
  const start = scripts?.start;
  if (typeof start !== "string" || start.trim() === "" || scripts?.prestart !== undefined || scripts?.poststart !== undefined) return null;
  const bin = join(appDir, "node_modules", ".bin");
  const env: Record<string, string> = {
    PATH: existsSync(bin) ? `${bin}:${path}` : path,
    npm_lifecycle_event: "start",
    npm_lifecycle_script: start,
    npm_command: "start",
    npm_package_json: file,
    INIT_CWD: appDir,
  };
  if (typeof pkg.name === "string") env.npm_package_name = pkg.name;
  if (typeof pkg.version === "string") env.npm_package_version = pkg.version;
  return { command: start, env };
}
