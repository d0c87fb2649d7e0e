// Drops devDependencies from a pnpm workspace's node_modules (<dir> holds pnpm-workspace.yaml),
// offline. `pnpm prune --prod` prunes only the root project of a workspace, and reinstalling with
// --prod needs a package store the sandbox does not have. So: each project's (root and members')
// links to packages it only needs for development go, then every package in node_modules/.pnpm
// that no remaining link reaches, then the links left dangling (.pnpm/node_modules, the hoisted ones).
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { join, relative, sep } from "node:path";

const root = process.argv[2] ?? ".";
const store = join(root, "node_modules", ".pnpm");

// The projects: the root and every folder below it with a package.json (the layer holds nothing else).
function projects(dir, depth) {
  if (depth > 5) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== "node_modules" && !e.name.startsWith("."))
    .flatMap((e) => {
      const sub = join(dir, e.name);
      return [...(existsSync(join(sub, "package.json")) ? [sub] : []), ...projects(sub, depth + 1)];
    });
}

/** The package entries of a node_modules folder (scoped ones as @scope/name), without dot entries. */
function entries(modules) {
  if (!existsSync(modules)) return [];
  return readdirSync(modules)
    .filter((n) => !n.startsWith("."))
    .flatMap((n) => (n.startsWith("@") ? readdirSync(join(modules, n)).map((s) => `${n}/${s}`) : [n]));
}

// The .pnpm folder (e.g. "express@5.3.0") a path lies in, or null when it is outside the store.
function storeEntry(path) {
  let real;
  try {
    real = realpathSync(path);
  } catch {
    return null;
  }
  const rel = relative(realpathSync(store), real);
  return rel.startsWith("..") || rel === "" ? null : rel.split(sep)[0];
}

let unlinked = 0;
const reached = new Set();
const queue = [];
const reach = (path) => {
  const entry = storeEntry(path);
  if (entry && entry !== "node_modules" && !reached.has(entry)) {
    reached.add(entry);
    queue.push(entry);
  }
};
for (const project of [root, ...projects(root, 1)]) {
  let pkg;
  try {
    pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
  } catch {
    continue; // not a project pnpm installed (a Docker build's WORKDIR holds the whole source)
  }
  const prod = new Set(Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies }));
  const modules = join(project, "node_modules");
  for (const name of entries(modules)) {
    if (prod.has(name)) reach(join(modules, name));
    else {
      rmSync(join(modules, name), { recursive: true, force: true });
      unlinked++;
    }
  }
}
// A package's own dependencies are links beside it in .pnpm/<entry>/node_modules.
while (queue.length > 0) {
  const modules = join(store, queue.pop(), "node_modules");
  for (const name of entries(modules)) reach(join(modules, name));
}
let removed = 0;
for (const entry of existsSync(store) ? readdirSync(store) : []) {
  if (entry === "node_modules" || entry.startsWith(".") || !lstatSync(join(store, entry)).isDirectory() || reached.has(entry)) continue;
  rmSync(join(store, entry), { recursive: true, force: true });
  removed++;
}
for (const modules of [join(store, "node_modules"), join(root, "node_modules")]) {
  for (const name of entries(modules)) {
    const path = join(modules, name);
    if (lstatSync(path).isSymbolicLink() && !existsSync(path)) rmSync(path, { force: true });
  }
}
console.log(`-----> removed ${removed} development-only packages (${unlinked} links to them)`);
