// Where unprivileged build work happens (dependency installs, their download caches). The
// installer runs as `nobody`, so every folder above this one must let `nobody` pass. A checkout
// in root's home (0700) or under `mktemp -d` does not, so the platform then keeps this work in a
// folder of its own under /var/lib instead of failing builds with a misleading npm error.
import { createHash } from "node:crypto";
import { chmodSync, lstatSync, mkdirSync, realpathSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { EngineError } from "../errors.ts";
import { UNPRIVILEGED } from "./workspace.ts";

/** Where the work root goes when `$SKYPANEL_HOME`'s parents are closed to `nobody`. */
export const FALLBACK_WORK_BASE = "/var/lib/skypanel/work";

export interface WorkRoot {
  dir: string;
  /** Why this folder, for the start-up log. */
  reason: string;
}

export class WorkRootError extends EngineError {
  constructor(message: string) {
    super("PRECONDITION_FAILED", message);
  }
}

/**
 * The first folder on the way to `path` (itself included) that user `nobody` cannot pass
 * through, or null when every one lets it. Judged by owner, group and mode bits, as the kernel
 * does for a user with no supplementary groups (the installer runs with `--clear-groups`).
 */
export function closedToUnprivileged(path: string): { path: string; mode: number; owner: number } | null {
  let current = resolve(path);
  const chain: string[] = [];
  for (;;) {
    chain.unshift(current);
    const up = dirname(current);
    if (up === current) break;
    current = up;
  }
  for (const dir of chain) {
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(dir);
    } catch {
      return null; // Not made yet: mkdir below makes it with our modes.
    }
    const bit = st.uid === UNPRIVILEGED.uid ? 0o100 : st.gid === UNPRIVILEGED.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return { path: dir, mode: st.mode & 0o7777, owner: st.uid };
  }
  return null;
}

/** Makes `dir` (root's, 0711: passable, not listable) and checks `nobody` can reach it. */
function makeReachable(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o711 });
  chmodSync(dir, 0o711);
  const closed = closedToUnprivileged(dir);
  if (closed) {
    throw new WorkRootError(
      `Builds install dependencies as the unprivileged user nobody (uid ${UNPRIVILEGED.uid}), which cannot enter ${closed.path} ` +
        `(mode ${closed.mode.toString(8).padStart(4, "0")}) on the way to the build work folder ${dir}. ` +
        `Let it through with 'chmod o+x ${closed.path}', or set SKYPANEL_WORK_DIR to a folder whose parents it can enter (for example under ${FALLBACK_WORK_BASE}).`,
    );
  }
}

/**
 * Chooses and prepares the work root: `configured` when given (refused with the fix when
 * `nobody` cannot reach it), else `<home>/work` when it can, else a folder per home under
 * /var/lib/skypanel/work. Run at start, so a bad location stops the platform, not a build.
 */
export function prepareWorkRoot(home: string, configured?: string): WorkRoot {
  if (configured) {
    makeReachable(configured);
    return { dir: configured, reason: "SKYPANEL_WORK_DIR" };
  }
  mkdirSync(home, { recursive: true });
  const realHome = realpathSync(home);
  const closed = closedToUnprivileged(dirname(realHome));
  if (!closed) {
    // The home itself: passable but not listable, so nobody reaches only what it is given.
    chmodSync(realHome, 0o711);
    const dir = join(realHome, "work");
    makeReachable(dir);
    return { dir, reason: "inside SKYPANEL_HOME" };
  }
  const dir = join(FALLBACK_WORK_BASE, createHash("sha256").update(realHome).digest("hex").slice(0, 16));
  makeReachable(dir);
  return {
    dir,
    reason: `${closed.path} (mode ${(closed.mode & 0o777).toString(8)}) is closed to the unprivileged build user, so build work happens here instead`,
  };
}
