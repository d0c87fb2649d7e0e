// Python manifests: which one installs the app (requirements.txt, Pipfile, Poetry or PEP 621
// pyproject.toml, in that order, as Heroku does) and the dependency names each declares.
import { InvalidSourceFileError } from "./errors.ts";
import type { SourceTree } from "./files.ts";
import type { PackageManager } from "./plan.ts";
import { isTable, readTomlFile as readToml, tomlGet } from "./toml.ts";

export interface PythonManifest {
  file: string;
  packageManager: PackageManager;
  kind: "requirements" | "pipenv" | "poetry" | "pep621";
  /** Normalised names (lowercase, runs of -_. as one -). */
  dependencies: Set<string>;
  /** For Pipfile: [requires] python_full_version or python_version. */
  pythonVersion: string | null;
}

const MAX_INCLUDE_DEPTH = 5;

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** All the manifests present, most preferred first. */
export async function findPythonManifests(tree: SourceTree): Promise<PythonManifest[]> {
  const found: PythonManifest[] = [];
  if (await tree.has("requirements.txt")) {
    const dependencies = new Set<string>();
    await readRequirements(tree, "requirements.txt", dependencies, 0);
    found.push({ file: "requirements.txt", packageManager: "pip", kind: "requirements", dependencies, pythonVersion: null });
  }
  if (await tree.has("Pipfile")) {
    const doc = await readToml(tree, "Pipfile");
    const python = tomlGet(doc, "requires", "python_full_version") ?? tomlGet(doc, "requires", "python_version");
    found.push({
      file: "Pipfile",
      packageManager: "pipenv",
      kind: "pipenv",
      dependencies: tableKeys(tomlGet(doc, "packages")),
      pythonVersion: typeof python === "string" ? python : null,
    });
  }
  if (await tree.has("pyproject.toml")) {
    const doc = await readToml(tree, "pyproject.toml");
    const poetry = tomlGet(doc, "tool", "poetry");
    const project = tomlGet(doc, "project");
    if (isTable(poetry)) {
      const dependencies = tableKeys(tomlGet(poetry, "dependencies"));
      dependencies.delete("python");
      // Poetry 2 also reads PEP 621 [project] dependencies.
      for (const name of pep621Dependencies(project)) dependencies.add(name);
      found.push({ file: "pyproject.toml", packageManager: "poetry", kind: "poetry", dependencies, pythonVersion: null });
    } else if (isTable(project)) {
      found.push({
        file: "pyproject.toml",
        packageManager: "pip",
        kind: "pep621",
        dependencies: pep621Dependencies(project),
        pythonVersion: null,
      });
    } else if (found.length === 0) {
      throw new InvalidSourceFileError(
        "pyproject.toml",
        "has neither a [project] nor a [tool.poetry] table, so it does not say what to install.",
      );
    }
  }
  return found;
}

async function readRequirements(tree: SourceTree, file: string, into: Set<string>, depth: number): Promise<void> {
  const text = (await tree.readText(file)) ?? "";
  // A backslash at the end of a line continues it (pip's rule).
  for (const raw of text.replace(/\\\r?\n/g, " ").split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (line === "") continue;
    const include = /^(?:-r|--requirement)(?:\s+|=)(\S+)$/.exec(line)?.[1];
    if (include !== undefined) {
      if (depth >= MAX_INCLUDE_DEPTH) throw new InvalidSourceFileError(file, `includes files more than ${MAX_INCLUDE_DEPTH} levels deep.`);
      const target = file.includes("/") ? `${file.slice(0, file.lastIndexOf("/"))}/${include}` : include;
      await readRequirements(tree, target, into, depth + 1);
      continue;
    }
    if (line.startsWith("-")) continue; // options such as --index-url, -e, -c
    const name = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line)?.[1];
    if (name) into.add(normalizeName(name));
  }
}

function tableKeys(value: ReturnType<typeof tomlGet>): Set<string> {
  return new Set(isTable(value) ? Object.keys(value).map(normalizeName) : []);
}

function pep621Dependencies(project: ReturnType<typeof tomlGet>): Set<string> {
  const list = isTable(project) ? project.dependencies : undefined;
  const names = new Set<string>();
  if (!Array.isArray(list)) return names;
  for (const item of list) {
    const name = typeof item === "string" ? /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(item)?.[1] : undefined;
    if (name) names.add(normalizeName(name));
  }
  return names;
}
