import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { runChecked } from "../process/run.ts";
import type { NixEnv } from "./env.ts";
import { NIX_STATE } from "./paths.ts";

export interface Generation {
  number: number;
  createdAt: Date;
  current: boolean;
  path: string;
}

/** One Nix profile per app: its generations are the app's releases, and it is a GC root. */
export function profilePath(appName: string): string {
  if (!/^[a-z][a-z0-9-]{1,28}[a-z0-9]$/.test(appName)) throw new Error(`not an app name: ${appName}`);
  return join(NIX_STATE.profiles, "apps", appName);
}

/** Makes `storePath` the profile's newest generation and returns its number. */
export async function addGeneration(nix: NixEnv, appName: string, storePath: string): Promise<number> {
  mkdirSync(join(NIX_STATE.profiles, "apps"), { recursive: true });
  await runChecked("nix-env", ["--profile", profilePath(appName), "--set", storePath], { env: nix.env });
  const gens = await listGenerations(nix, appName);
  const current = gens.find((g) => g.current);
  if (!current) throw new Error(`profile of ${appName} has no current generation after --set`);
  return current.number;
}

export async function listGenerations(nix: NixEnv, appName: string): Promise<Generation[]> {
  const profile = profilePath(appName);
  const { stdout } = await runChecked("nix-env", ["--profile", profile, "--list-generations"], { env: nix.env }).catch(() => ({
    stdout: "",
  }));
  const out: Generation[] = [];
  for (const line of stdout.split("\n")) {
    const m = /^\s*(\d+)\s+(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\s*(\(current\))?/.exec(line);
    if (!m) continue;
    const number = Number(m[1]);
    out.push({ number, createdAt: new Date(`${m[2]?.replace(" ", "T")}`), current: Boolean(m[3]), path: `${profile}-${number}-link` });
  }
  return out;
}

export async function switchGeneration(nix: NixEnv, appName: string, number: number) {
  await runChecked("nix-env", ["--profile", profilePath(appName), "--switch-generation", String(number)], { env: nix.env });
}

/** Deletes generations older than `days` (never the current one; Nix keeps it). */
export async function deleteGenerationsOlderThan(nix: NixEnv, appName: string, days: number) {
  await runChecked("nix-env", ["--profile", profilePath(appName), "--delete-generations", `${days}d`], { env: nix.env });
}
