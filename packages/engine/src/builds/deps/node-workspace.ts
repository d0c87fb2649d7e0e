// A Node workspace's dependency layer (detect/workspace-plan.ts): installed at the workspace
// root, so besides the root's package.json and lockfile it needs pnpm-workspace.yaml and every
// member's package.json, each reduced to its install fields like the root's (a script change in
// any member must not invalidate the layer). The member folders are then in the layer too, with
// the node_modules the install gave them; buildpacks/support/node-layer.sh puts them in place.
// The whole workspace is installed (pnpm without --filter): the sandboxed `pnpm rebuild -r` and
// `pnpm prune --prod` then work on the same importers the layer has, and the key stays one layer.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BuildPlan } from "../../detect/plan.ts";
import { unprivilegedDir } from "../workspace.ts";

type Workspace = NonNullable<BuildPlan["workspace"]>;

/** The files besides the root's package.json and lockfile, by path in the workspace: for the cache key and the fetch. */
export function workspaceInstallFiles(ws: Workspace, sourceDir: string, reduce: (dir: string) => string): Record<string, string> {
  const files: Record<string, string> = {};
  if (existsSync(join(sourceDir, "pnpm-workspace.yaml")))
    files["pnpm-workspace.yaml"] = readFileSync(join(sourceDir, "pnpm-workspace.yaml"), "utf8");
  for (const member of ws.members) files[`${member}/package.json`] = reduce(join(sourceDir, member));
  return files;
}

/** Writes them into the layer's directory, each member folder owned by the unprivileged installer (it writes node_modules there). */
export function writeWorkspaceInstallFiles(files: Record<string, string>, dir: string): void {
  for (const [path, text] of Object.entries(files)) {
    const parts = path.split("/").slice(0, -1);
    for (let i = 1; i <= parts.length; i++) unprivilegedDir(join(dir, ...parts.slice(0, i)));
    writeFileSync(join(dir, path), text);
  }
}
