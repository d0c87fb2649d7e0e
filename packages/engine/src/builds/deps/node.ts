import { createHash } from "node:crypto";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BuildPlan } from "../../detect/plan.ts";
import { ValidationError } from "../../errors.ts";
import { runChecked } from "../../process/run.ts";
import { cacheKey } from "../cache.ts";
import { asUnprivileged, unprivilegedDir } from "../workspace.ts";
import { workspaceInstallFiles, writeWorkspaceInstallFiles } from "./node-workspace.ts";
import type { DependencyFetcher } from "./types.ts";

// The package.json fields that decide what gets installed. Scripts are left out: a change to
// them must not invalidate the layer, and the install runs no scripts anyway.
const INSTALL_FIELDS = [
  "name",
  "version",
  "dependencies",
  "devDependencies",
  "optionalDependencies",
  "peerDependencies",
  "overrides",
  "resolutions",
  "engines",
  "packageManager",
  "workspaces",
  "bundleDependencies",
  "bundledDependencies",
];
const LOCKFILES = ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"];

function installManifest(sourceDir: string): string {
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(readFileSync(join(sourceDir, "package.json"), "utf8"));
  } catch (err) {
    throw new ValidationError(`package.json cannot be read as JSON: ${(err as Error).message}`);
  }
  const reduced = Object.fromEntries(INSTALL_FIELDS.filter((f) => f in pkg).map((f) => [f, pkg[f]]));
  return `${JSON.stringify(reduced, null, 2)}\n`;
}

/** The install command per package manager: fetch only, never run a package's scripts here. */
function installCommand(plan: BuildPlan, hasLock: boolean, tools: { yarn: string; pnpm: string }): [string, string[]] {
  switch (plan.packageManager) {
    case "yarn":
      return ["node", [tools.yarn, "install", "--frozen-lockfile", "--ignore-scripts", "--non-interactive", "--no-progress"]];
    case "pnpm":
      return ["node", [tools.pnpm, "install", "--frozen-lockfile", "--ignore-scripts", "--config.confirmModulesPurge=false"]];
    default:
      return hasLock
        ? ["npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"]]
        : ["npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund"]];
  }
}

/**
 * Node's dependency layer: package.json's install fields and the lockfile, installed with the
 * network by an unprivileged user with scripts off. The scripts run later, in the sandbox.
 */
export const nodeDependencies: DependencyFetcher = {
  key(plan, sourceDir, toolchainId) {
    const files: Record<string, string> = { "package.json": installManifest(sourceDir) };
    for (const f of LOCKFILES) if (existsSync(join(sourceDir, f))) files[f] = readFileSync(join(sourceDir, f), "utf8");
    if (plan.workspace) Object.assign(files, workspaceInstallFiles(plan.workspace, sourceDir, installManifest));
    const hashes = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, createHash("sha256").update(v).digest("hex")]));
    return cacheKey({ v: 1, stack: "nodejs", pm: plan.packageManager, toolchainId, files: hashes });
  },

  async fetch(plan, sourceDir, ctx) {
    const dir = join(ctx.workDir, "node-deps");
    unprivilegedDir(ctx.workDir);
    unprivilegedDir(dir);
    writeFileSync(join(dir, "package.json"), installManifest(sourceDir));
    let hasLock = false;
    for (const f of LOCKFILES) {
      if (existsSync(join(sourceDir, f))) {
        copyFileSync(join(sourceDir, f), join(dir, f));
        hasLock = true;
      }
    }
    // A workspace member's app installs at the workspace root: the whole workspace, from its one lockfile.
    if (plan.workspace) writeWorkspaceInstallFiles(workspaceInstallFiles(plan.workspace, sourceDir, installManifest), dir);
    const home = join(ctx.workDir, "home");
    unprivilegedDir(home);
    const [command, args] = installCommand(plan, hasLock, ctx.tools);
    ctx.log(`-----> ${[command === "node" ? plan.packageManager : command, ...args.slice(command === "node" ? 1 : 0)].join(" ")}`);
    await runChecked(...asUnprivileged(command, args), {
      cwd: dir,
      // Nothing of the platform's environment (no secrets, no DATABASE_URL) reaches the installer.
      env: { PATH: ctx.path, HOME: home, npm_config_cache: ctx.npmCache, npm_config_update_notifier: "false", CI: "1" },
      onLine: (line) => ctx.log(line),
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
    });
    return dir;
  },
};
