// Cargo workspaces: which member is the app. A virtual workspace (a [workspace] and no [package])
// builds the one member that has a binary, taking `default-members` first when it is set.
import { InvalidSourceFileError } from "./errors.ts";
import type { SourceTree } from "./files.ts";
import { isTable, readTomlFile, type TomlTable, tomlGet } from "./toml.ts";

/** Past this many members the workspace is not looked through further. */
const MAX_MEMBERS = 200;

export interface CargoPackage {
  /** The package's directory, relative to the source root ("." for the root). */
  dir: string;
  name: string;
  cargo: TomlTable;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);

const clean = (path: string) => path.replace(/^\.\/+/, "").replace(/\/+$/, "") || ".";

/** The directories a members pattern names: `crates/api`, or `crates/*` (a `*` or `?` within a path segment). */
async function expand(tree: SourceTree, pattern: string): Promise<string[]> {
  let dirs = ["."];
  for (const segment of clean(pattern).split("/")) {
    if (segment === "." || segment === "") continue;
    if (segment === ".." || segment === "**") return [];
    const next: string[] = [];
    for (const dir of dirs) {
      const prefix = dir === "." ? "" : `${dir}/`;
      if (!/[*?[]/.test(segment)) {
        next.push(`${prefix}${segment}`);
        continue;
      }
      const match = new RegExp(
        `^${segment
          .replace(/[.+^${}()|\\\]]/g, "\\$&")
          .replace(/\*/g, "[^/]*")
          .replace(/\?/g, "[^/]")}$`,
      );
      for (const entry of await tree.list(dir)) if (entry.kind === "dir" && match.test(entry.name)) next.push(entry.path);
    }
    dirs = next.slice(0, MAX_MEMBERS);
  }
  return dirs;
}

/** Whether Cargo would build a binary for this package: a [[bin]], src/main.rs or src/bin/. */
export async function hasBinary(tree: SourceTree, pkg: CargoPackage): Promise<boolean> {
  const bins = tomlGet(pkg.cargo, "bin");
  if (Array.isArray(bins) && bins.length > 0) return true;
  if (tomlGet(pkg.cargo, "package", "autobins") === false) return false;
  const at = (p: string) => (pkg.dir === "." ? p : `${pkg.dir}/${p}`);
  if (await tree.isFile(at("src/main.rs"))) return true;
  return (await tree.list(at("src/bin"))).some((e) => (e.kind === "file" && e.name.endsWith(".rs")) || e.kind === "dir");
}

/** The workspace's members with a [package], in the order Cargo.toml lists them. */
async function members(tree: SourceTree, patterns: string[], exclude: string[]): Promise<CargoPackage[]> {
  const found: CargoPackage[] = [];
  for (const pattern of patterns) {
    for (const dir of await expand(tree, pattern)) {
      if (exclude.includes(dir) || found.some((m) => m.dir === dir) || !(await tree.isFile(`${dir}/Cargo.toml`))) continue;
      const cargo = await readTomlFile(tree, `${dir}/Cargo.toml`);
      const name = tomlGet(cargo, "package", "name");
      if (typeof name === "string") found.push({ dir, name, cargo });
      if (found.length >= MAX_MEMBERS) return found;
    }
  }
  return found;
}

export type WorkspaceChoice =
  | { kind: "one"; member: CargoPackage; why: string }
  /** Several members have a binary and nothing says which serves the app. */
  | { kind: "several"; members: CargoPackage[] };

/** The member a virtual workspace's app is, or all those with a binary when nothing chooses. */
export async function chooseMember(tree: SourceTree, root: TomlTable): Promise<WorkspaceChoice> {
  const workspace = tomlGet(root, "workspace");
  if (!isTable(workspace)) throw new InvalidSourceFileError("Cargo.toml", "has no [package] name.");
  const exclude = strings(workspace.exclude).map(clean);
  const all = await members(tree, strings(workspace.members), exclude);
  const defaults = strings(workspace["default-members"]).map(clean);
  const pool = defaults.length > 0 ? all.filter((m) => defaults.includes(m.dir)) : all;
  const binaries: CargoPackage[] = [];
  for (const m of pool) if (await hasBinary(tree, m)) binaries.push(m);
  const from = defaults.length > 0 ? "default-members" : "members";
  if (binaries.length === 0) {
    throw new InvalidSourceFileError(
      "Cargo.toml",
      `is a workspace whose ${from} (${pool.map((m) => m.dir).join(", ") || "none found"}) have no binary to run: add src/main.rs or a [[bin]] to the member that serves the app.`,
    );
  }
  if (binaries.length > 1) return { kind: "several", members: binaries };
  const member = binaries[0] as CargoPackage;
  const why =
    pool.length === 1
      ? `the workspace's only ${defaults.length > 0 ? "default member" : "member"}`
      : `the only one of the workspace's ${from} with a binary`;
  return { kind: "one", member, why };
}
