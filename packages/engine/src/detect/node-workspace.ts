// Node workspaces (pnpm-workspace.yaml, or package.json "workspaces" for npm): one lockfile at
// the workspace root, members that depend on each other by name. An app whose root directory is
// a member builds in the whole workspace, so the lockfile and the sibling packages are there.
// Everything is read through SourceTree: the source is hostile.
import { posix } from "node:path";
import { InvalidSourceFileError } from "./errors.ts";
import { SourceTree } from "./files.ts";

export type WorkspaceTool = "pnpm" | "npm";

export interface WorkspaceMember {
  /** Folder relative to the workspace root, e.g. "apps/web". */
  path: string;
  /** package.json's name, null when it has none. */
  name: string | null;
  scripts: Record<string, string>;
  /** Names of its dependencies of every kind (some of them are other members). */
  dependsOn: string[];
}

export interface NodeWorkspace {
  tool: WorkspaceTool;
  /** The workspace root relative to the source root ("" for the source root itself). */
  root: string;
  /** The file that declares the members: pnpm-workspace.yaml or package.json. */
  declaredIn: string;
  lockfile: "pnpm-lock.yaml" | "package-lock.json";
  /** Every member, in path order. */
  members: WorkspaceMember[];
}

const LOCKFILE = { pnpm: "pnpm-lock.yaml", npm: "package-lock.json" } as const;
// Members more than this many folders below the workspace root are not looked for.
const MAX_DEPTH = 4;

/**
 * The workspace `dir` (relative to the tree, "" for its root) is the root of, when it declares
 * members and has its tool's lockfile; null otherwise.
 */
export async function workspaceAt(tree: SourceTree, dir: string): Promise<NodeWorkspace | null> {
  const at = (file: string) => (dir === "" ? file : `${dir}/${file}`);
  let tool: WorkspaceTool;
  let globs: string[];
  if (await tree.isFile(at("pnpm-workspace.yaml"))) {
    tool = "pnpm";
    globs = pnpmPackages((await tree.readText(at("pnpm-workspace.yaml"))) ?? "");
  } else {
    // A root package.json that is not JSON declares no workspace (the app may not be Node at all).
    const pkg = await readJson(tree, at("package.json")).catch(() => null);
    const declared = pkg?.workspaces;
    const list = Array.isArray(declared) ? declared : (declared as { packages?: unknown } | undefined)?.packages;
    if (!Array.isArray(list)) return null;
    tool = "npm";
    globs = list.filter((g): g is string => typeof g === "string");
  }
  if (globs.length === 0 || !(await tree.isFile(at(LOCKFILE[tool])))) return null;
  const members: WorkspaceMember[] = [];
  for (const path of await expandGlobs(tree, dir, globs)) {
    const pkg = await readJson(tree, at(`${path}/package.json`));
    if (!pkg) continue;
    const deps = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"].flatMap((k) =>
      isObject(pkg[k]) ? Object.keys(pkg[k]) : [],
    );
    members.push({
      path,
      name: typeof pkg.name === "string" ? pkg.name : null,
      scripts: isObject(pkg.scripts)
        ? (Object.fromEntries(Object.entries(pkg.scripts).filter(([, v]) => typeof v === "string")) as Record<string, string>)
        : {},
      dependsOn: [...new Set(deps)],
    });
  }
  return { tool, root: dir, declaredIn: tool === "pnpm" ? "pnpm-workspace.yaml" : "package.json", lockfile: LOCKFILE[tool], members };
}

/**
 * The workspace that `rootDirectory` is a member of: the outermost folder above it (normally
 * the source root) that is a workspace root listing it. Null when there is none.
 */
export async function workspaceOf(tree: SourceTree, rootDirectory: string): Promise<NodeWorkspace | null> {
  const segments = rootDirectory.split("/");
  for (let i = 0; i < segments.length; i++) {
    const dir = segments.slice(0, i).join("/");
    const found = await workspaceAt(tree, dir);
    const member = segments.slice(i).join("/");
    if (found?.members.some((m) => m.path === member)) return found;
  }
  return null;
}

/** workspaceOf for a source directory on disk. */
export async function workspaceContaining(sourceDir: string, rootDirectory: string): Promise<NodeWorkspace | null> {
  return workspaceOf(await SourceTree.open(sourceDir), rootDirectory);
}

/** The member at `path` and the members it depends on, dependencies first (each once). */
export function withWorkspaceDependencies(ws: NodeWorkspace, path: string): WorkspaceMember[] {
  const byName = new Map(ws.members.filter((m) => m.name !== null).map((m) => [m.name as string, m]));
  const order: WorkspaceMember[] = [];
  const seen = new Set<string>();
  const visit = (m: WorkspaceMember) => {
    if (seen.has(m.path)) return;
    seen.add(m.path);
    for (const dep of m.dependsOn) {
      const found = byName.get(dep);
      if (found) visit(found);
    }
    order.push(m);
  };
  const start = ws.members.find((m) => m.path === path);
  if (start) visit(start);
  return order;
}

/** The `packages:` list of a pnpm-workspace.yaml (the only key that matters here). */
export function pnpmPackages(yaml: string): string[] {
  const globs: string[] = [];
  let inPackages = false;
  for (const line of yaml.split("\n")) {
    if (/^\S/.test(line)) inPackages = /^packages\s*:/.test(line);
    else if (inPackages) {
      const item = /^\s+-\s*(.+?)\s*$/.exec(line)?.[1];
      if (item) globs.push(item.replace(/^(['"])(.*)\1$/, "$2"));
    }
  }
  return globs;
}

/** Folders under `dir` matching the globs (`*`, `**`, `!negation`), as npm and pnpm read them. */
async function expandGlobs(tree: SourceTree, dir: string, globs: string[]): Promise<string[]> {
  const include = globs.filter((g) => !g.startsWith("!")).map(globRegExp);
  const exclude = globs.filter((g) => g.startsWith("!")).map((g) => globRegExp(g.slice(1)));
  const found: string[] = [];
  // Without `**`, no member is deeper than the longest glob: the walk stops there.
  const deepest = globs.some((g) => g.includes("**")) ? MAX_DEPTH : Math.max(...globs.map((g) => g.split("/").length));
  const walk = async (rel: string, depth: number) => {
    if (depth > Math.min(deepest, MAX_DEPTH)) return;
    for (const entry of await tree.list(dir === "" ? rel || "." : rel ? `${dir}/${rel}` : dir)) {
      if (entry.kind !== "dir" || entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (include.some((r) => r.test(path)) && !exclude.some((r) => r.test(path))) found.push(path);
      await walk(path, depth + 1);
    }
  };
  await walk("", 1);
  return found.sort();
}

function globRegExp(glob: string): RegExp {
  const clean = posix.normalize(glob.trim()).replace(/^\.\//, "").replace(/\/+$/, "");
  const body = clean
    .split("/")
    .map((seg) => (seg === "**" ? "(?:[^/]+/)*" : `${seg.replace(/[.+^${}()|[\]\\?]/g, "\\$&").replaceAll("*", "[^/]*")}/`))
    .join("");
  return new RegExp(`^${body.replace(/\/$/, "").replace(/\(\?:\[\^\/\]\+\/\)\*$/, "(?:[^/]+/)*[^/]+")}$`);
}

async function readJson(tree: SourceTree, rel: string): Promise<Record<string, unknown> | null> {
  const text = await tree.readText(rel);
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : null;
  } catch (err) {
    throw new InvalidSourceFileError(rel, `is not valid JSON (${(err as Error).message}).`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
