import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { run, runChecked } from "../process/run.ts";
import type { NixEnv } from "./env.ts";
import { NIX_STATE } from "./paths.ts";

export interface PathInfo {
  path: string;
  narHash: string;
  narSize: number;
  closureSize: number;
  references: string[];
}

const STORE_PATH = /^\/nix\/store\/[0-9a-z]{32}-[A-Za-z0-9+._?=-]+$/;

export function isStorePath(path: string): boolean {
  return STORE_PATH.test(path);
}

/**
 * Copies a directory into the store (content-addressed, so equal trees share one path) and
 * roots it under `rootName`. A garbage collection running between the add and the root could
 * delete the new path, so the root is checked and the add repeated if that happened.
 */
export async function addToStore(nix: NixEnv, dir: string, rootName: string): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const { stdout } = await runChecked("nix-store", ["--add-fixed", "--recursive", "sha256", dir], { env: nix.env });
    const path = stdout.trim();
    addGcRoot(path, rootName);
    if (await isValid(nix, path)) return path;
  }
  throw new Error(`${dir} kept disappearing from the Nix store (is garbage collection running in a loop?)`);
}

export async function isValid(nix: NixEnv, path: string): Promise<boolean> {
  const result = await run("nix-store", ["--check-validity", path], { env: nix.env });
  return result.code === 0;
}

export async function pathInfo(nix: NixEnv, path: string): Promise<PathInfo> {
  const { stdout } = await runChecked("nix", ["path-info", "--json", "-S", path], { env: nix.env });
  const [info] = JSON.parse(stdout) as PathInfo[];
  if (!info) throw new Error(`nix path-info returned nothing for ${path}`);
  return info;
}

/** Whether every file of `path` still hashes to what the store recorded. */
export async function verifyPath(nix: NixEnv, path: string): Promise<boolean> {
  const result = await runChecked("nix", ["store", "verify", "--no-trust", path], { env: nix.env }).catch(() => null);
  return result !== null;
}

/** Keeps `path` (and its closure) alive across garbage collection under `name`. */
export function addGcRoot(path: string, name: string) {
  mkdirSync(NIX_STATE.gcRoots, { recursive: true });
  const link = join(NIX_STATE.gcRoots, name);
  rmSync(link, { force: true });
  symlinkSync(path, link);
}

export function removeGcRoot(name: string) {
  rmSync(join(NIX_STATE.gcRoots, name), { force: true });
}
