// The plan of an app whose root directory is a member of a Node workspace: the member's own
// detection (framework, scripts, start), then the workspace root's package manager and lockfile,
// commands that build the member's workspace dependencies too, and processes that run in the
// member's folder (the runtime runs them at the workspace root, `$out/app`).
import { join } from "node:path";
import { ValidationError } from "../errors.ts";
import { SourceTree } from "./files.ts";
import { detectBuildPlan } from "./index.ts";
import { type NodeWorkspace, type WorkspaceMember, withWorkspaceDependencies, workspaceAt } from "./node-workspace.ts";
import type { BuildPlan } from "./plan.ts";
import { shellQuote } from "./shell.ts";
import { reason } from "./stack.ts";
import type { PlatformToolchains } from "./versions.ts";

// Kept in step with detect/site-dir.ts: a static site served from a folder of the member.
const STATIC_WEB = /^node \.skypanel\/static-server\.mjs (--spa )?(\S+)$/;

/**
 * The plan of the workspace member at `member` (relative to `sourceDir`, which holds the whole
 * workspace). `ws.root` is where the workspace was in the fetched source, for the words only.
 */
export async function detectWorkspaceMember(
  sourceDir: string,
  ws: NodeWorkspace,
  member: string,
  platform?: PlatformToolchains,
): Promise<BuildPlan> {
  const plan = await detectBuildPlan(join(sourceDir, member), platform);
  const where = ws.root === "" ? "the source root" : ws.root;
  if (plan.stack !== "nodejs")
    throw new ValidationError(
      `The root directory ${member} is a member of the ${ws.tool} workspace at ${where}, but builds as ${plan.stack}: ` +
        "a workspace member must be a Node.js app. Set the root directory to a folder outside the workspace, or remove it from the workspace.",
    );
  const pm = ws.tool;
  const q = shellQuote(member);
  const self = ws.members.find((m) => m.path === member) as WorkspaceMember;
  const builders = withWorkspaceDependencies(ws, member).filter((m) => m.scripts.build !== undefined);
  const depBuilders = builders.filter((m) => m !== self);
  const first: BuildPlan["reasons"] = [
    reason("workspace", `workspace member ${member} of the ${pm} workspace at ${where} (${ws.declaredIn}); the whole workspace is built.`),
    reason("package manager", `${ws.lockfile} at the workspace root: ${pm}, installed for the whole workspace.`),
  ];
  // The member's own detection saw no lockfile (it is at the workspace root): its words go.
  const reasons = plan.reasons
    .filter((r) => r.topic !== "package manager" && !(r.topic === "build" && /^package\.json has a build script/.test(r.reason)))
    .map((r) => (r.topic === "start" ? { ...r, reason: r.reason.replace(/^npm start:/, `${pm} start:`) } : r));
  const warnings = plan.warnings.filter((w) => !w.startsWith("No lockfile"));

  let build: string | null = null;
  if (pm === "pnpm" && builders.length > 0 && (plan.build === null || plan.build === "npm run build")) {
    build = `pnpm --filter ${selector(self)}... run build`;
    reasons.push(reason("build", `${build}: the member's build and those of the workspace packages it depends on, in dependency order.`));
  } else {
    // npm runs one workspace's script at a time: the dependencies' builds first, in order.
    const deps = depBuilders.map((m) =>
      pm === "pnpm" ? `pnpm --filter ${selector(m)} run build` : `npm run build --workspace ${shellQuote(m.path)}`,
    );
    const own = plan.build === null ? [] : [`cd ${q} && ${plan.build.replace(/\bnpm run build$/, `${pm} run build`)}`];
    if (deps.length + own.length > 0) {
      build = [...deps, ...own].join(" && ");
      const skipped = ws.members.filter((m) => m.scripts.build !== undefined && !builders.includes(m)).map((m) => m.path);
      reasons.push(
        reason(
          "build",
          `${build}: the build scripts of ${builders.map((m) => m.path).join(", ") || member} (the member and the workspace packages it depends on)` +
            `${skipped.length > 0 ? `; not built: ${skipped.join(", ")}, which ${member} does not depend on` : ""}.`,
        ),
      );
    }
  }
  const test =
    plan.test === null
      ? null
      : plan.test === "npm test"
        ? pm === "pnpm"
          ? `pnpm --filter ${selector(self)} test`
          : `npm test --workspace ${q}`
        : `cd ${q} && ${plan.test}`;
  const inMember = (command: string) => {
    const site = STATIC_WEB.exec(command);
    // The static server serves a folder relative to where it runs: the member's, from the root.
    if (site) return `node .skypanel/static-server.mjs ${site[1] ?? ""}${join(member, site[2] as string)}`;
    const run = command.replace(/^npm start$/, `${pm} start`);
    // The release's PATH has the workspace root's node_modules/.bin; a member's own tools (next…) are in its folder.
    const bins = /^(node|npm|pnpm) /.test(`${run} `) ? "" : 'PATH="$PWD/node_modules/.bin:$PATH" ';
    return `cd ${q} && ${bins}${run}`;
  };
  const processes = Object.fromEntries(Object.entries(plan.processes).map(([name, command]) => [name, inMember(command)]));
  if (processes.web !== undefined) {
    const how = processes.web.startsWith("cd ")
      ? "processes run in the member's folder"
      : "the member's site, served from the workspace root";
    first.push(reason("start", `${how}: ${processes.web}.`));
  }

  return {
    ...plan,
    packageManager: pm,
    lockfiles: [
      "package.json",
      ws.lockfile,
      ...(pm === "pnpm" ? ["pnpm-workspace.yaml"] : []),
      ...ws.members.map((m) => `${m.path}/package.json`),
    ],
    install: pm === "pnpm" ? "pnpm install --frozen-lockfile" : "npm ci",
    build,
    test,
    processes,
    release: plan.release === null ? null : inMember(plan.release),
    reasons: [...first, ...reasons],
    warnings,
    workspace: { tool: pm, root: ws.root, member, members: ws.members.map((m) => m.path) },
  };
}

/**
 * Called when detecting a source without a root directory failed: a workspace root with no start
 * of its own (no start script, no Procfile) is refused with the members to choose from instead.
 */
export async function refuseWorkspaceRoot(sourceDir: string): Promise<void> {
  const tree = await SourceTree.open(sourceDir);
  // Called when detection already failed: a file it cannot read leaves that failure to speak.
  const ws = await workspaceAt(tree, "").catch(() => null);
  if (!ws || (await tree.has("Procfile"))) return;
  let root: { scripts?: Record<string, unknown> };
  try {
    root = JSON.parse((await tree.readText("package.json")) ?? "{}");
  } catch {
    return;
  }
  if (typeof root?.scripts?.start === "string") return;
  const apps = ws.members.filter((m) => m.scripts.start !== undefined).map((m) => m.path);
  throw new ValidationError(
    `This source is the root of ${ws.tool === "npm" ? "an" : "a"} ${ws.tool} workspace (${ws.declaredIn}) with no start script of its own. ` +
      `Set the app's root directory to the member to deploy: ${(apps.length > 0 ? apps : ws.members.map((m) => m.path)).join(", ")}.`,
    { members: ws.members.map((m) => m.path) },
  );
}

/** pnpm's --filter for a member: its name, or its folder when it has none. */
function selector(m: WorkspaceMember): string {
  return shellQuote(m.name ?? `{./${m.path}}`);
}
