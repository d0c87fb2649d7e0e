// Removes from <dir>/node_modules every package the production dependency graph of
// <dir>/package.json does not reach (flat npm and yarn layouts). Runs offline.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";

const root = process.argv[2] ?? ".";
const modules = join(root, "node_modules");
const read = (dir) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
const keep = new Set();

// Node's resolution: look in the nearest node_modules, then each parent's.
function resolve(from, name) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === root || dirname(dir) === dir) return null;
  }
}
function visit(dir) {
  const pkg = read(dir);
  for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies })) {
    const found = resolve(dir, name);
    if (found && !keep.has(found)) {
      keep.add(found);
      visit(found);
    }
  }
}
visit(root);
// A workspace's layer holds each member's package.json (builds/deps/node-workspace.ts): the
// members' production dependencies are the release's too, wherever npm put them.
function members(dir, depth) {
  if (depth > 4) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== "node_modules" && !e.name.startsWith("."))
    .flatMap((e) => {
      const sub = join(dir, e.name);
      return [...(existsSync(join(sub, "package.json")) ? [sub] : []), ...members(sub, depth + 1)];
    });
}
const workspace = read(root).workspaces ? members(root, 1) : [];
for (const member of workspace) visit(member);

let removed = 0;
function sweep(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    if (entry === ".bin" || entry.startsWith(".")) continue;
    const names = entry.startsWith("@") ? readdirSync(join(dir, entry)).map((n) => join(entry, n)) : [entry];
    for (const name of names) {
      const path = join(dir, name);
      if (!keep.has(path)) {
        rmSync(path, { recursive: true, force: true });
        removed++;
      } else sweep(join(path, "node_modules"));
    }
  }
}
sweep(modules);
for (const member of workspace) sweep(join(member, "node_modules"));
// Links in .bin may now point at removed packages.
const bin = join(modules, ".bin");
if (existsSync(bin)) for (const link of readdirSync(bin)) if (!existsSync(join(bin, link))) rmSync(join(bin, link), { force: true });
console.log(`-----> removed ${removed} development-only packages`);
