import { chmodSync, chownSync, copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";

/** The unprivileged user dependency installs run as (nobody). */
export const UNPRIVILEGED = { uid: 65534, gid: 65534 };

/** `command args` run as the unprivileged user with no supplementary groups: setpriv and its arguments. */
export function asUnprivileged(command: string, args: string[]): [string, string[]] {
  return ["setpriv", [`--reuid=${UNPRIVILEGED.uid}`, `--regid=${UNPRIVILEGED.gid}`, "--clear-groups", "--", command, ...args]];
}

export interface BuildWorkspace {
  root: string;
  source: string;
  deps: string;
  log: string;
  /** Removes the bulky parts; the log stays for later reading. */
  clean(): void;
}

/**
 * `<home>/builds/<id>/` holds the source and the log, read only by the platform; the
 * unprivileged installer's part is `<work root>/builds/<id>/` (see work-root.ts), which it can
 * reach whatever the modes of `$SKYPANEL_HOME`'s parents. Sources are handed to it as copies.
 */
export function buildWorkspace(home: string, workRoot: string, buildId: string): BuildWorkspace {
  const root = join(home, "builds", buildId);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const work = join(workRoot, "builds", buildId);
  mkdirSync(work, { recursive: true, mode: 0o711 });
  chmodSync(join(workRoot, "builds"), 0o711);
  const ws: BuildWorkspace = {
    root,
    source: join(root, "source"),
    deps: join(work, "deps"),
    log: join(root, "build.log"),
    clean() {
      rmSync(ws.source, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    },
  };
  return ws;
}

/** A directory the unprivileged installer owns (and only it may write). */
export function unprivilegedDir(path: string) {
  mkdirSync(path, { recursive: true });
  chownSync(path, UNPRIVILEGED.uid, UNPRIVILEGED.gid);
  chmodSync(path, 0o700);
}

/**
 * Copies `files` (paths relative to `sourceDir`) into `dest` at the same paths, in folders the
 * unprivileged installer owns, and owned by it: the installer reads them and may rewrite them.
 */
export function copyForUnprivileged(sourceDir: string, dest: string, files: string[]) {
  unprivilegedDir(dest);
  for (const f of files) {
    for (let d = dirname(join(dest, f)); d.startsWith(dest); d = dirname(d)) unprivilegedDir(d);
    copyFileSync(join(sourceDir, f), join(dest, f));
    chownSync(join(dest, f), UNPRIVILEGED.uid, UNPRIVILEGED.gid);
  }
}
