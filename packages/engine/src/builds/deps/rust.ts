// Rust's dependency layer: the crates Cargo.lock names, fetched from crates.io (or the mirror
// SKYPANEL_CARGO_REGISTRY names) by `cargo vendor --locked` as the unprivileged user, which checks
// each download against Cargo.lock's checksum and runs no build script. The layer is
// <layer>/vendor (a directory source) and <layer>/Cargo.lock; the sandboxed build
// (buildpacks/rust.nix) reads it offline with crates.io replaced by that directory. With no
// Cargo.lock the crates are resolved here (cargo generate-lockfile), with a warning, and the
// layer's Cargo.lock is the one the build uses. Git dependencies are refused: builds fetch from
// the registry only.
import { createHash } from "node:crypto";
import { chmodSync, chownSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { BuildPlan } from "../../detect/plan.ts";
import { ValidationError } from "../../errors.ts";
import { cacheKey, formatBytes, MAX_LAYER_BYTES, treeBytes } from "../cache.ts";
import type { BuildNetwork } from "../network.ts";
import { UNPRIVILEGED, unprivilegedDir } from "../workspace.ts";
import { readSourceFile } from "./python-requirements.ts";
import { type CrateRegistry, crateRegistry, mirrorConfig, runCargo } from "./rust-cargo.ts";
import { keepCrates, seedHome, stageCrates } from "./rust-crate-cache.ts";
import { crateFiles, gitDependencies, lockedPackages, manifestFiles, registryPackages } from "./rust-lock.ts";
import type { DependencyFetcher, FetchContext } from "./types.ts";

/** The most a layer may hold: past it the build stops instead of filling the disk further. */

const crates = (n: number) => `${n} crate${n === 1 ? "" : "s"}`;

/** A fresh directory only root may write (the unprivileged user may read it). */
function platformDir(path: string) {
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { recursive: true, mode: 0o755 });
  chownSync(path, 0, 0);
  chmodSync(path, 0o755);
}

/** A source file as text, which crateFiles() found. */
function sourceText(sourceDir: string, file: string): string {
  const text = readSourceFile(sourceDir, file);
  if (text === null) throw new ValidationError(`${file} disappeared from the source while the build read it.`);
  return text;
}

/** Copies the files Cargo reads to load the app's packages into `project` (root's). */
function copyProject(sourceDir: string, files: string[], project: string) {
  platformDir(project);
  for (const file of files) {
    mkdirSync(dirname(join(project, file)), { recursive: true, mode: 0o755 });
    writeFileSync(join(project, file), sourceText(sourceDir, file), { mode: 0o644, flag: "wx" });
  }
}

/** Cargo.lock as the build will use it: the committed one, or one resolved now as the unprivileged user. */
async function lockfile(sourceDir: string, project: string, ctx: FetchContext, run: Parameters<typeof runCargo>[1]) {
  const committed = readSourceFile(sourceDir, "Cargo.lock");
  if (committed !== null) return committed;
  ctx.log(
    ` !     No Cargo.lock: resolving the crates' versions now, from ${run.registry}; commit Cargo.lock to build the same ones every time`,
  );
  // Only this folder becomes the unprivileged user's, for Cargo to write Cargo.lock into.
  chownSync(project, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
  await runCargo(ctx, run, ["generate-lockfile"]);
  const made = readSourceFile(project, "Cargo.lock");
  if (made === null) throw new ValidationError("cargo generate-lockfile wrote no Cargo.lock.");
  return made;
}

async function fetchLayer(sourceDir: string, registry: CrateRegistry, ctx: FetchContext): Promise<string> {
  platformDir(ctx.workDir);
  const home = join(ctx.workDir, "cargo-home");
  const tmp = join(ctx.workDir, "tmp");
  const shared = join(ctx.cacheRoot, "cargo");
  for (const dir of [home, tmp, shared]) unprivilegedDir(dir);
  // Written by root before Cargo runs: the unprivileged user may read it, not change it.
  if (registry.url) writeFileSync(join(home, "config.toml"), mirrorConfig(registry.url), { mode: 0o644, flag: "wx" });

  const project = join(ctx.workDir, "project");
  copyProject(sourceDir, crateFiles(sourceDir), project);
  const run = { cwd: project, home, tmp, registry: registry.name };
  const lock = await lockfile(sourceDir, project, ctx, run);
  const packages = registryPackages(lockedPackages(lock));

  const staging = join(ctx.workDir, "crates");
  platformDir(staging);
  const staged = stageCrates(shared, staging, packages);
  if (staged > 0) await seedHome(ctx, staging, home);

  const layer = join(ctx.workDir, "layer");
  platformDir(layer);
  const vendor = join(layer, "vendor");
  unprivilegedDir(vendor);
  ctx.log(
    `-----> cargo vendor --locked: ${crates(packages.length)} from ${registry.name}, checked against Cargo.lock (${staged} from the download cache)`,
  );
  await runCargo(ctx, run, ["vendor", "--locked", ...(registry.url ? ["--respect-source-config"] : []), vendor]);
  await keepCrates(ctx, home, shared);

  const bytes = treeBytes(vendor);
  if (bytes > MAX_LAYER_BYTES) {
    throw new ValidationError(`The crates come to ${formatBytes(bytes)}, more than the ${formatBytes(MAX_LAYER_BYTES)} a build may fetch.`);
  }
  writeFileSync(join(layer, "Cargo.lock"), lock, { mode: 0o644, flag: "wx" });
  ctx.log(`-----> ${crates(packages.length)} vendored (${formatBytes(bytes)})`);
  return layer;
}

const rustCrates = (registry: CrateRegistry): DependencyFetcher => ({
  key(_plan, sourceDir, toolchainId) {
    const files = Object.fromEntries(
      manifestFiles(crateFiles(sourceDir)).map((f) => [f, createHash("sha256").update(sourceText(sourceDir, f)).digest("hex")]),
    );
    return cacheKey({ v: 1, stack: "rust", toolchainId, arch: process.arch, registry: registry.url, files });
  },
  fetch: (_plan, sourceDir, ctx) => fetchLayer(sourceDir, registry, ctx),
});

/**
 * Rust's dependency step: refused when the app has git dependencies; nothing when Cargo.lock
 * takes no crate from a registry; else the layer.
 */
export function rustDependencies(_plan: BuildPlan, sourceDir: string, network: BuildNetwork): DependencyFetcher | null {
  const registry = crateRegistry(network);
  const files = crateFiles(sourceDir);
  const lock = readSourceFile(sourceDir, "Cargo.lock");
  const locked = lock === null ? null : lockedPackages(lock);
  const git = gitDependencies(sourceDir, files, locked);
  if (git.length > 0) {
    throw new ValidationError(
      `Git dependencies cannot be fetched: ${git.slice(0, 3).join(", ")}${git.length > 3 ? ` and ${git.length - 3} more` : ""}. Builds take crates from ${registry.name} only; depend on a published version, or copy the crate into the source and depend on it by path.`,
    );
  }
  if (locked !== null && registryPackages(locked).length === 0) return null;
  return rustCrates(registry);
}
