// Which Caddy binary the router runs. SkyPanel's own build (packages/engine/caddy: Caddy plus the
// rate limit, in-flight limit and WAF handlers) is made once per machine by
// scripts/lib/require.sh (require_custom_caddy) and cached under a hash of its source, so every
// clone of the same source finds the same binary; Debian's caddy is the fallback.
import { createHash } from "node:crypto";
import { accessSync, constants, readdirSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { CaddyBuild } from "./traffic-handlers.ts";

/** `auto`: the custom build when it is cached on this machine, else Debian's. */
export type CaddyChoice = "auto" | "custom" | "debian";
export const CADDY_CHOICES: readonly CaddyChoice[] = ["auto", "custom", "debian"];

export const CUSTOM_CADDY_SOURCE = fileURLToPath(new URL("../../caddy", import.meta.url));

export interface CaddyBinary {
  build: CaddyBuild;
  /** A path, or `caddy` (Debian's, from PATH). */
  binary: string;
  /** Why this one, for the platform's startup line. */
  reason: string;
}

/** Where built binaries are kept: machine-wide for root, else in the user's cache. */
export function customCaddyCache(): string {
  if (process.getuid?.() === 0) return "/var/cache/skypanel/caddy";
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "skypanel", "caddy");
}

function buildFiles(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return buildFiles(path, root);
    return entry.isFile() && (entry.name.endsWith(".go") || entry.name === "go.mod" || entry.name === "go.sum")
      ? [relative(root, path)]
      : [];
  });
}

/** The hash require.sh's custom_caddy_hash computes: each file's path and content, in byte order of paths. */
export function customCaddyHash(source = CUSTOM_CADDY_SOURCE): string {
  const hash = createHash("sha256");
  const files = buildFiles(source).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const file of files)
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(source, file)))
      .update("\0");
  return hash.digest("hex").slice(0, 16);
}

export function customCaddyPath(source = CUSTOM_CADDY_SOURCE, cache = customCaddyCache()): string {
  return join(cache, customCaddyHash(source), "caddy");
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export class CustomCaddyMissingError extends Error {
  readonly code = "CUSTOM_CADDY_MISSING";
}

/** The binary for SKYPANEL_CADDY; `custom` without a built binary is an error that says how to build it. */
export function chooseCaddy(choice: CaddyChoice, path = customCaddyPath()): CaddyBinary {
  if (choice === "debian") return { build: "debian", binary: "caddy", reason: "SKYPANEL_CADDY=debian" };
  if (executable(path))
    return { build: "custom", binary: path, reason: choice === "custom" ? "SKYPANEL_CADDY=custom" : "built on this machine" };
  if (choice === "custom")
    throw new CustomCaddyMissingError(
      `SKYPANEL_CADDY=custom, but SkyPanel's Caddy is not built at ${path}: run scripts/up.sh (it builds it), or set SKYPANEL_CADDY=debian.`,
    );
  return { build: "debian", binary: "caddy", reason: "SkyPanel's Caddy is not built on this machine" };
}

/** The file a binary name runs: a path as it is, a bare name looked up in PATH; null when not found. */
function resolveBinary(binary: string): string | null {
  const candidates = binary.includes("/") ? [binary] : (process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, binary));
  for (const candidate of candidates) {
    if (executable(candidate)) return realpathSync(candidate);
  }
  return null;
}

/**
 * Whether the process runs another binary than `binary` (an adopted Caddy started by an earlier
 * run with another SKYPANEL_CADDY); false when either cannot be told, so such a Caddy is kept.
 */
export function runsOtherBinary(pid: number, binary: string): boolean {
  const wanted = resolveBinary(binary);
  let running: string;
  try {
    running = readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return false;
  }
  return wanted !== null && running !== wanted;
}
