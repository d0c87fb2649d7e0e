// Which root directories are workspace members, and the plan a member gets (no build: the
// end-to-end builds are in builds/root-directory-workspace.test.ts).
import { describe, expect, it } from "vitest";
import { detectWorkspaceMember, refuseWorkspaceRoot, workspaceContaining } from "./index.ts";
import { makeSource, type SourceFile, said } from "./test-sources.ts";

const json = (value: unknown) => JSON.stringify(value);
const npmWorkspace = (extra: Record<string, SourceFile> = {}) =>
  makeSource({
    "package.json": json({ name: "root", private: true, workspaces: ["apps/*", "packages/**", "!packages/legacy"] }),
    "package-lock.json": "{}",
    "apps/api/package.json": json({ name: "api", scripts: { build: "tsc", start: "node dist/main.js" }, dependencies: { lib: "*" } }),
    "apps/api/tsconfig.json": "{}",
    "apps/admin/package.json": json({ name: "admin", scripts: { build: "vite build" } }),
    "packages/lib/package.json": json({ name: "lib", scripts: { build: "tsc" }, dependencies: { util: "*" } }),
    "packages/tools/util/package.json": json({ name: "util", scripts: { build: "tsc" } }),
    "packages/legacy/package.json": json({ name: "legacy" }),
    "docs/package.json": json({ name: "docs", scripts: { start: "serve" } }),
    ...extra,
  });

describe("Node workspaces and root directories", () => {
  it("finds the workspace a root directory is a member of, by its globs (with ** and !negation)", async () => {
    const src = npmWorkspace();
    const ws = await workspaceContaining(src, "apps/api");
    expect(ws).toMatchObject({ tool: "npm", root: "", lockfile: "package-lock.json" });
    expect(ws?.members.map((m) => m.path)).toEqual(["apps/admin", "apps/api", "packages/lib", "packages/tools/util"]);
    // Outside the globs, or excluded: a standalone sub-folder as before.
    expect(await workspaceContaining(src, "docs")).toBeNull();
    expect(await workspaceContaining(src, "packages/legacy")).toBeNull();
  });

  it("needs the lockfile at the workspace root: without it a member is a standalone sub-folder", async () => {
    const src = makeSource({
      "pnpm-workspace.yaml": "packages:\n  - 'apps/*'\n",
      "apps/web/package.json": json({ name: "web" }),
      "apps/web/pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
    });
    expect(await workspaceContaining(src, "apps/web")).toBeNull();
  });

  it("finds a workspace below the source root (js/), with the member's path in it", async () => {
    const src = makeSource({
      "js/pnpm-workspace.yaml": "packages:\n  - apps/*\n# a comment\nonlyBuiltDependencies:\n  - esbuild\n",
      "js/pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
      "js/package.json": json({ private: true }),
      "js/apps/web/package.json": json({ name: "web", scripts: { start: "node server.js" } }),
    });
    const ws = await workspaceContaining(src, "js/apps/web");
    expect(ws).toMatchObject({ tool: "pnpm", root: "js", members: [{ path: "apps/web", name: "web" }] });
  });

  it("plans an npm member: npm ci at the root, its dependencies' builds first in order, processes in its folder", async () => {
    const src = npmWorkspace();
    const ws = await workspaceContaining(src, "apps/api");
    const plan = await detectWorkspaceMember(src, ws as NonNullable<typeof ws>, "apps/api");
    expect(plan).toMatchObject({
      packageManager: "npm",
      install: "npm ci",
      build: "npm run build --workspace packages/tools/util && npm run build --workspace packages/lib && cd apps/api && npm run build",
      processes: { web: "cd apps/api && npm start" },
      workspace: { tool: "npm", root: "", member: "apps/api" },
    });
    expect(plan.lockfiles).toEqual([
      "package.json",
      "package-lock.json",
      "apps/admin/package.json",
      "apps/api/package.json",
      "packages/lib/package.json",
      "packages/tools/util/package.json",
    ]);
    expect(said(plan, "workspace")).toBe(
      "workspace member apps/api of the npm workspace at the source root (package.json); the whole workspace is built.",
    );
    expect(said(plan, "build")).toMatch(/not built: apps\/admin, which apps\/api does not depend on/);
    expect(plan.warnings).toEqual([]);
  });

  it("refuses a workspace root with no start of its own, listing the members that can start", async () => {
    const src = npmWorkspace();
    await expect(refuseWorkspaceRoot(src)).rejects.toThrow(
      "This source is the root of an npm workspace (package.json) with no start script of its own. Set the app's root directory to the member to deploy: apps/api.",
    );
    await expect(refuseWorkspaceRoot(npmWorkspace({ Procfile: "web: node apps/api/dist/main.js\n" }))).resolves.toBeUndefined();
  });
});

describe("a Vite member of a pnpm workspace", () => {
  it("is served from its output folder under the member, from the workspace root", async () => {
    const src = makeSource({
      "pnpm-workspace.yaml": "packages:\n  - apps/*\n",
      "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
      "package.json": json({ private: true }),
      "apps/site/package.json": json({ name: "site", scripts: { build: "vite build" }, devDependencies: { vite: "^7.0.0" } }),
      "apps/site/index.html": "<!doctype html><div id=app></div>",
    });
    const ws = await workspaceContaining(src, "apps/site");
    const plan = await detectWorkspaceMember(src, ws as NonNullable<typeof ws>, "apps/site");
    expect(plan).toMatchObject({
      framework: "vite",
      build: "pnpm --filter site... run build",
      processes: { web: "node .skypanel/static-server.mjs --spa apps/site/dist" },
    });
  });
});
