import { lstatSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

export class RootDirectoryError extends Error {}

/**
 * Makes `<source>/<root>` the build's source: the fetched tree moves aside, the sub-folder
 * moves into its place, and the rest is removed. Every folder on the way must be a real
 * directory, so a symlink cannot lead the build outside the source.
 */
export function useRootDirectory(source: string, root: string) {
  let dir = source;
  for (const segment of root.split("/")) {
    dir = join(dir, segment);
    const stat = lstatOrNull(dir);
    if (!stat) throw new RootDirectoryError(`root directory ${root} does not exist in this source`);
    if (stat.isSymbolicLink())
      throw new RootDirectoryError(`root directory ${root}: ${segment} is a symlink, which a root directory may not go through`);
    if (!stat.isDirectory()) throw new RootDirectoryError(`root directory ${root} is not a directory in this source`);
  }
  const whole = `${source}.whole`;
  rmSync(whole, { recursive: true, force: true });
  renameSync(source, whole);
  renameSync(join(whole, root), source);
  rmSync(whole, { recursive: true, force: true });
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
