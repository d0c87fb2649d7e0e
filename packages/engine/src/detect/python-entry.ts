// The command a Python app declares or suggests for itself, when no framework rule starts it.
// In this order, the most deliberate first:
//   1. [project.scripts]: the author named the command (the only script, or the one named after
//      the project); the build writes its launcher, as pip would into the venv's bin/;
//   2. a package with __main__.py (at the top or in src/): the author made it runnable, python -m;
//   3. main.py, app.py or server.py at the top: only a naming habit, so last.
// Whether that command serves HTTP decides its process type (see webSignal).
import type { SourceTree } from "./files.ts";
import { WEB_DEPENDENCIES } from "./python-frameworks.ts";
import { normalizeName } from "./python-manifests.ts";
import { IDENTIFIER, SKIPPED_DIRS } from "./python-modules.ts";
import type { PythonProject } from "./python-project.ts";

export interface ScriptEntry {
  command: string;
  /** The entry in words, for the plan's reasons. */
  what: string;
  /** The entry module and its package's modules: what webSignal reads. */
  files: string[];
}

const ROOT_SCRIPTS = ["main.py", "app.py", "server.py"];
const MAX_PACKAGE_FILES = 50;
// os.environ["PORT"], os.environ.get("PORT"), os.getenv("PORT"), environ.get('PORT', 8000)…
const READS_PORT = /(?:environ(?:\.get)?|getenv)\s*[[(]\s*["']PORT["']/;
const STDLIB_SERVER = /^\s*(?:from|import)\s+(?:http\.server|socketserver|wsgiref)\b/m;

/** The app's own entry, first of the three kinds above; `notes` says why one was passed over. */
export async function findScriptEntry(tree: SourceTree, project: PythonProject | null, notes: string[]): Promise<ScriptEntry | null> {
  return (await projectScript(tree, project, notes)) ?? (await mainPackage(tree, project, notes)) ?? (await rootScript(tree));
}

/** Why the entry is a web process ("aiohttp is a dependency", "main.py reads $PORT"), or null. */
export async function webSignal(tree: SourceTree, dependencies: Set<string>, entry: ScriptEntry): Promise<string | null> {
  const dependency = [...dependencies].find((d) => WEB_DEPENDENCIES.has(d));
  if (dependency !== undefined) return `${dependency} is a dependency`;
  for (const file of entry.files) {
    const text = await tree.readText(file).catch(() => null);
    if (text === null) continue;
    if (READS_PORT.test(text)) return `${file} reads $PORT`;
    if (STDLIB_SERVER.test(text)) return `${file} imports a server from the standard library`;
  }
  return null;
}

async function projectScript(tree: SourceTree, project: PythonProject | null, notes: string[]): Promise<ScriptEntry | null> {
  const names = Object.keys(project?.scripts ?? {});
  if (project === null || names.length === 0) return null;
  const name = names.length === 1 ? names[0] : names.find((n) => normalizeName(n) === project.name);
  if (name === undefined) {
    notes.push(`[project.scripts] has ${names.join(", ")} and none is named after the project`);
    return null;
  }
  const target = project.scripts[name] as string;
  const file = await moduleFile(tree, target.split(":")[0] as string);
  return {
    command: name,
    what: `the console script ${name} (${target}) of [project.scripts] in pyproject.toml, whose launcher the build writes`,
    files: file === null ? [] : await withPackage(tree, file),
  };
}

async function mainPackage(tree: SourceTree, project: PythonProject | null, notes: string[]): Promise<ScriptEntry | null> {
  const found: { name: string; dir: string; src: boolean }[] = [];
  for (const base of [".", "src"]) {
    for (const e of await tree.list(base)) {
      if (e.kind !== "dir" || !IDENTIFIER.test(e.name) || SKIPPED_DIRS.has(e.name)) continue;
      if (await tree.isFile(`${e.path}/__main__.py`)) found.push({ name: e.name, dir: e.path, src: base === "src" });
    }
  }
  const pick = found.length === 1 ? found[0] : found.find((f) => normalizeName(f.name) === project?.name);
  if (pick === undefined) {
    if (found.length > 1) notes.push(`${found.map((f) => `${f.dir}/__main__.py`).join(", ")} are several runnable packages`);
    return null;
  }
  // A src/ layout is importable once installed; the app is not installed, so src/ goes on the path.
  const command = `${pick.src ? "PYTHONPATH=src " : ""}python -m ${pick.name}`;
  return {
    command,
    what: `${pick.dir}/__main__.py makes the package ${pick.name} runnable`,
    files: await withPackage(tree, `${pick.dir}/__main__.py`),
  };
}

async function rootScript(tree: SourceTree): Promise<ScriptEntry | null> {
  for (const file of ROOT_SCRIPTS) {
    if (await tree.isFile(file)) return { command: `python ${file}`, what: `${file} at the top of the source`, files: [file] };
  }
  return null;
}

/** The source file of a dotted module, at the top or in src/; null when it is not in the source. */
async function moduleFile(tree: SourceTree, module: string): Promise<string | null> {
  const path = module.replaceAll(".", "/");
  for (const base of ["", "src/"]) {
    for (const file of [`${base}${path}.py`, `${base}${path}/__init__.py`]) if (await tree.isFile(file)) return file;
  }
  return null;
}

/** `file` first, then the other modules of its package (none for a module at the top). */
async function withPackage(tree: SourceTree, file: string): Promise<string[]> {
  const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : null;
  if (dir === null) return [file];
  const others = (await tree.list(dir)).filter((e) => e.kind === "file" && e.name.endsWith(".py") && e.path !== file);
  return [file, ...others.slice(0, MAX_PACKAGE_FILES).map((e) => e.path)];
}
