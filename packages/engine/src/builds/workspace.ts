import { chmodSync, chownSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

/** The unprivileged user dependency installs run as (nobody). */
export const UNPRIVILEGED = { uid: 65534, gid: 65534 };

export interface BuildWorkspace {
  root: string;
  source: string;
  deps: string;
  log: string;
  /** Removes the bulky parts; the log stays for later reading. */
  clean(): void;
}

/**
 * `<home>/builds/<id>/`. $SKYPANEL_HOME is made traversable but not listable (0711) so the
 * unprivileged installer can reach its own directory and nothing else of the platform's.
 */
export function buildWorkspace(home: string, buildId: string): BuildWorkspace {
  chmodSync(home, 0o711);
  const root = join(home, "builds", buildId);
  mkdirSync(root, { recursive: true, mode: 0o711 });
  chmodSync(join(home, "builds"), 0o711);
  const ws: BuildWorkspace = {
    root,
    source: join(root, "source"),
    deps: join(root, "deps"),
    log: join(root, "build.log"),
    clean() {
      rmSync(ws.source, { recursive: true, force: true });
      rmSync(ws.deps, { recursive: true, force: true });
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
