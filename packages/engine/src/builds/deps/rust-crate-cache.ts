// Cargo's download cache, shared by builds: <cacheRoot>/cargo/registry/cache/<registry>/<crate>.crate,
// laid out as in a CARGO_HOME. Cargo trusts a .crate it finds in its cache without checking it
// again, and that folder is the unprivileged user's, whom other stacks' fetches run code as (a
// Python sdist's setup.py). So each build's Cargo gets a CARGO_HOME of its own, seeded only with
// the cached crates whose sha256 the platform found to match Cargo.lock, and what it downloaded
// (which Cargo checked) is copied back for the next build. The registry index is never shared:
// it says where crates come from. Root only reads the shared folder; the unprivileged user writes it.
import { createHash } from "node:crypto";
import { closeSync, constants, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runChecked } from "../../process/run.ts";
import { asUnprivileged } from "../workspace.ts";
import type { LockedPackage } from "./rust-lock.ts";
import type { FetchContext } from "./types.ts";

/** Past this size a cached crate is not read (crates.io takes crates up to 10 MB). */
const MAX_CRATE_BYTES = 64 * 1024 * 1024;

const crateFile = (p: LockedPackage) => `${p.name}-${p.version}.crate`;

/**
 * A cached crate's bytes when they hash to `checksum`, read once (never through a link), so what
 * was checked is what gets copied; null otherwise.
 */
function checkedCrate(path: string, checksum: string | undefined): Buffer | null {
  if (!checksum) return null;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile() || info.size > MAX_CRATE_BYTES) return null;
    const bytes = Buffer.alloc(info.size);
    let length = 0;
    for (let n = 1; n > 0 && length < bytes.length; length += n) n = readSync(fd, bytes, length, bytes.length - length, length);
    const data = bytes.subarray(0, length);
    return createHash("sha256").update(data).digest("hex") === checksum ? data : null;
  } finally {
    closeSync(fd);
  }
}

/** The registry folders under a CARGO_HOME's registry/cache (e.g. index.crates.io-1949cf8c6b5b557f). */
function registries(home: string): string[] {
  const dir = join(home, "registry", "cache");
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^[A-Za-z0-9._-]+$/.test(e.name))
    .map((e) => e.name);
}

/**
 * Writes into `staging` (root's, laid out as registry/cache) the shared crates Cargo.lock names
 * whose sha256 is the locked checksum; how many.
 */
export function stageCrates(shared: string, staging: string, packages: LockedPackage[]): number {
  let staged = 0;
  for (const registry of registries(shared)) {
    for (const p of packages) {
      const bytes = checkedCrate(join(shared, "registry", "cache", registry, crateFile(p)), p.checksum);
      if (bytes === null) continue;
      mkdirSync(join(staging, registry), { recursive: true, mode: 0o755 });
      writeFileSync(join(staging, registry, crateFile(p)), bytes, { mode: 0o644, flag: "wx" });
      staged++;
    }
  }
  return staged;
}

/** Runs a shell script as the unprivileged user (its own files only: the caches and this build's CARGO_HOME). */
async function unprivilegedScript(ctx: FetchContext, script: string, args: string[]) {
  await runChecked(...asUnprivileged("sh", ["-euc", script, "sh", ...args]), {
    env: { PATH: ctx.path },
    signal: ctx.signal,
    timeoutMs: 10 * 60_000,
  });
}

/** Copies the staged crates into this build's CARGO_HOME, where Cargo takes them as downloaded. */
export const seedHome = (ctx: FetchContext, staging: string, home: string) =>
  unprivilegedScript(ctx, 'mkdir -p "$2/registry/cache" && cp -R "$1"/. "$2/registry/cache/"', [staging, home]);

/** Copies the crates this build's Cargo downloaded into the shared cache, each whole or not at all. */
export const keepCrates = (ctx: FetchContext, home: string, shared: string) =>
  unprivilegedScript(
    ctx,
    `cd "$1/registry/cache" || exit 0
     for crate in */*.crate; do
       [ -f "$crate" ] || continue
       to="$2/registry/cache/$crate"
       cmp -s "$crate" "$to" 2>/dev/null && continue
       mkdir -p "\${to%/*}" && cp "$crate" "$to.$$" && mv -f "$to.$$" "$to"
     done`,
    [home, shared],
  );
