// Go toolchains from the module proxy. A go.mod whose go line (or toolchain line) asks for a
// newer Go than the platform's gets that release as the module golang.org/toolchain, which is
// how Go 1.21+ fetches toolchains itself (GOTOOLCHAIN=auto). Here it is fetched with the
// dependency layer, checked against the checksum database, and unpacked again in the sandbox
// (buildpacks/go.nix reads TOOLCHAIN_MARKER). The release chosen is the oldest that satisfies
// go.mod, so the layer depends on go.mod alone (Go itself would pick the latest patch).

import { join } from "node:path";
import { ValidationError } from "../../errors.ts";
import { runChecked } from "../../process/run.ts";
import { asUnprivileged, unprivilegedDir } from "../workspace.ts";
import { type GoRun, runGo } from "./go-download.ts";
import type { FetchContext } from "./types.ts";

/** A file at the top of the layer naming the golang.org/toolchain version it holds. */
export const TOOLCHAIN_MARKER = ".skypanel-go-toolchain";

interface GoVersion {
  major: number;
  minor: number;
  /** 0: a language version (1.21), 1: a prerelease (1.21rc2), 2: a release (1.21.0). */
  kind: 0 | 1 | 2;
  /** The patch of a release, or the number of a prerelease. */
  n: number;
  pre: string;
}

/** "1.22", "1.22.3", "1.22rc1" or "go1.22.3"; null for anything else. */
export function parseGoVersion(text: string): GoVersion | null {
  const m = /^(?:go)?(\d+)\.(\d+)(?:\.(\d+)|(rc|beta)(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (m[3] !== undefined) return { major, minor, kind: 2, n: Number(m[3]), pre: "" };
  if (m[4] !== undefined) return { major, minor, kind: 1, n: Number(m[5]), pre: m[4] };
  // Before Go 1.21, "1.20" named the release 1.20 itself (there was no 1.20.0).
  return major === 1 && minor < 21 ? { major, minor, kind: 2, n: 0, pre: "" } : { major, minor, kind: 0, n: 0, pre: "" };
}

export function compareGo(a: GoVersion, b: GoVersion): number {
  return a.major - b.major || a.minor - b.minor || a.kind - b.kind || (a.kind === 1 ? a.pre.localeCompare(b.pre) : 0) || a.n - b.n;
}

/** The oldest release that satisfies a version, by its toolchain name: go1.22.0, go1.20, go1.22rc1. */
function releaseName(v: GoVersion): string {
  if (v.kind === 1) return `go${v.major}.${v.minor}${v.pre}${v.n}`;
  if (v.major === 1 && v.minor < 21 && v.n === 0) return `go${v.major}.${v.minor}`;
  return `go${v.major}.${v.minor}.${v.n}`;
}

/** The newest Go that go.mod's go and toolchain lines ask for; null when they name none. */
export function wantedGo(goMod: string): GoVersion | null {
  const text = goMod.replace(/\/\/.*$/gm, "");
  const lines = [/^\s*go\s+(\S+)\s*$/m.exec(text)?.[1], /^\s*toolchain\s+(\S+)\s*$/m.exec(text)?.[1]];
  const versions = lines.map((v) => (v === undefined ? null : parseGoVersion(v))).filter((v): v is GoVersion => v !== null);
  return versions.sort(compareGo).at(-1) ?? null;
}

/** golang.org/toolchain's version for a release on this machine, e.g. v0.0.1-go1.22.3.linux-amd64. */
export function toolchainVersion(v: GoVersion): string {
  const arch = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "armv6l", ppc64: "ppc64le", s390x: "s390x" }[process.arch as string];
  return `v0.0.1-${releaseName(v)}.linux-${arch ?? process.arch}`;
}

/** The toolchain a build needs when the host's Go (`go env GOVERSION`) is older than go.mod asks; else null. */
export function neededToolchain(goMod: string, hostVersion: string): GoVersion | null {
  const wanted = wantedGo(goMod);
  const host = parseGoVersion(hostVersion.replace(/\s.*$/, ""));
  if (wanted === null || host === null || compareGo(wanted, host) <= 0) return null;
  return { ...wanted, kind: wanted.kind === 0 ? 2 : wanted.kind };
}

export function describeGo(v: GoVersion): string {
  return releaseName(v).slice(2);
}

/** The host's Go, as `go env GOVERSION` says (go1.19.8). */
export async function hostGoVersion(ctx: FetchContext): Promise<string> {
  const result = await runChecked("go", ["env", "GOVERSION"], {
    env: { PATH: ctx.path, HOME: ctx.workDir, GOENV: "off" },
    timeoutMs: 30_000,
  });
  return result.stdout.trim();
}

/**
 * Downloads golang.org/toolchain at `version` into run.modCache (from run.proxy, checked against
 * the checksum database) and makes its commands executable, as Go's own switch does; its bin/.
 */
export async function downloadToolchain(ctx: FetchContext, run: GoRun, version: string, wanted: string): Promise<string> {
  // Outside any module: nothing here may read or write the app's go.mod and go.sum.
  const dir = join(ctx.workDir, "go-toolchain");
  unprivilegedDir(dir);
  try {
    await runGo(ctx, dir, { ...run, quiet: true }, ["mod", "download", `golang.org/toolchain@${version}`]);
  } catch (err) {
    throw new ValidationError(
      `go.mod asks for Go ${wanted}, newer than the platform's, and its toolchain golang.org/toolchain@${version} could not be fetched: ${(err as Error).message}`,
    );
  }
  const root = join(run.modCache, `golang.org/toolchain@${version}`);
  // Module zips keep no file modes; the unprivileged user owns the unpacked files.
  await runChecked(...asUnprivileged("sh", ["-c", 'chmod 0555 "$1"/bin/* "$1"/pkg/tool/*/*', "sh", root]), {
    env: { PATH: ctx.path },
    timeoutMs: 60_000,
  });
  return join(root, "bin");
}
