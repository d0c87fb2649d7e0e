// The environment an instance's process gets, and the script that sets it and runs the command.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { directNpmStart } from "./npm-start.ts";
import type { InstanceSpec } from "./spec.ts";

/** The PATH a process gets before the artifact's .skypanel/env adds to it. */
export const BASE_PATH = "/usr/local/bin:/usr/bin:/bin";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `NAME=value` lines of `<app>/.skypanel/env`, in order; malformed lines are skipped. */
export function artifactEnv(appDir: string): [string, string][] {
  const file = join(appDir, ".skypanel", "env");
  if (!existsSync(file)) return [];
  const pairs: [string, string][] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const eq = line.indexOf("=");
    const name = line.slice(0, eq);
    if (eq > 0 && ENV_NAME.test(name)) pairs.push([name, line.slice(eq + 1)]);
  }
  return pairs;
}

/**
 * Base variables, then the artifact's (its `$PATH` is the PATH the process would get: the
 * config's PATH or the base one), then config vars, which win except over the artifact's PATH
 * (that one already includes the config's) and PORT, which is always the instance's port.
 */
export function instanceEnv(spec: InstanceSpec, appDir: string): Record<string, string> {
  const path = spec.env.PATH ?? BASE_PATH;
  const env: Record<string, string> = { PATH: path, HOME: "/tmp", LANG: "C.UTF-8" };
  const fromArtifact = new Map(artifactEnv(appDir).map(([name, value]) => [name, value.replaceAll("$PATH", path)]));
  for (const [name, value] of fromArtifact) env[name] = value;
  for (const [name, value] of Object.entries(spec.env)) if (!(name === "PATH" && fromArtifact.has("PATH"))) env[name] = value;
  env.PORT = String(spec.port);
  return env;
}

export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The script the instance runs as the app's user: it exports the environment and execs the
 * command. Values travel in this file, never in an argv that `ps` on the host shows, and no
 * process running as root ever has them (an LD_PRELOAD config var cannot touch the launcher).
 */
export function startScript(env: Record<string, string>, appDir: string, command: string): string {
  const exports = Object.entries(env).map(([name, value]) => `export ${name}=${shellQuote(value)}`);
  // bash, as Procfiles written for Heroku expect; it also execs a lone simple command, so the app itself is PID 2.
  return [`cd ${shellQuote(appDir)} || exit 126`, ...exports, `exec /bin/bash -c ${shellQuote(command)}`, ""].join("\n");
}

/** The start script of an instance of `spec`: a plain `npm start` runs its script without npm (npm-start.ts). */
export function instanceStartScript(spec: InstanceSpec, appDir: string): string {
  const env = instanceEnv(spec, appDir);
  const direct = directNpmStart(appDir, spec.command, env.PATH ?? BASE_PATH);
  if (!direct) return startScript(env, appDir, spec.command);
  // As npm does: its variables over the instance's, the script run by /bin/sh.
  return startScript({ ...env, ...direct.env }, appDir, `exec /bin/sh -c ${shellQuote(direct.command)}`);
}
