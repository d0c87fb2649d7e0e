import { lstatSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type NodeWorkspace, workspaceContaining } from "../detect/index.ts";

export class RootDirectoryError extends Error {}

/**
 * Makes `<source>/<root>` the build's source: the fetched tree moves aside, the sub-folder
 * moves into its place, and the rest is removed. Every folder on the way must be a real
 * directory, so a symlink cannot lead the build outside the source.
 */
export function useRootDirectory(source: string, root: string) {
  checkRootDirectory(source, root);
  moveIntoPlace(source, root);
}

/**
 * The root directory when it is a member of a Node workspace (detect/node-workspace.ts): the
 * whole workspace stays (its root moved into the source's place when it is not the source
 * root), so its lockfile and the sibling packages are there; the member's path in it is
 * returned. Otherwise the root directory alone becomes the source, as useRootDirectory does.
 */
export async function useRootDirectoryOrWorkspace(
  source: string,
  root: string,
): Promise<{ workspace: NodeWorkspace; member: string } | null> {
  checkRootDirectory(source, root);
  const workspace = await workspaceContaining(source, root);
  if (!workspace) {
    moveIntoPlace(source, root);
    return null;
  }
  if (workspace.root !== "") moveIntoPlace(source, workspace.root);
  return { workspace, member: workspace.root === "" ? root : root.slice(workspace.root.length + 1) };
}

function checkRootDirectory(source: string, root: string) {
  let dir = source;
  for (const segment of root.split("/")) {
    dir = join(dir, segment);
    const stat = lstatOrNull(dir);
    if (!stat) throw new RootDirectoryError(`root directory ${root} does not exist in this source`);
    if (stat.isSymbolicLink())
      throw new RootDirectoryError(`root directory ${root}: ${segment} is a symlink, which a root directory may not go through`);
    if (!stat.isDirectory()) throw new RootDirectoryError(`root directory ${root} is not a directory in this source`);
  }
}

function moveIntoPlace(source: string, root: string) {
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
