// What pyproject.toml's PEP 621 [project] table says about running the app, whichever
// manifest installs it: its name, its console scripts ([project.scripts]) and requires-python.
import { InvalidSourceFileError } from "./errors.ts";
import type { SourceTree } from "./files.ts";
import { normalizeName } from "./python-manifests.ts";
import { isTable, readTomlFile, tomlGet } from "./toml.ts";

export interface PythonProject {
  /** Normalised (lowercase, runs of -_. as one -), or null when [project] has no name. */
  name: string | null;
  /** Console script name → "package.module:function" (or "package.module:object.function"). */
  scripts: Record<string, string>;
  requiresPython: string | null;
}

/** A script name that is a safe file and shell word, and an entry point pip would accept. */
export const SCRIPT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const SCRIPT_TARGET = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** [project] of pyproject.toml; null when there is no pyproject.toml or no [project] table. */
export async function readPythonProject(tree: SourceTree): Promise<PythonProject | null> {
  if (!(await tree.isFile("pyproject.toml"))) return null;
  const project = tomlGet(await readTomlFile(tree, "pyproject.toml"), "project");
  if (!isTable(project)) return null;
  const requires = project["requires-python"];
  if (requires !== undefined && typeof requires !== "string")
    throw new InvalidSourceFileError("pyproject.toml", '[project] requires-python should be a string such as ">=3.11".');
  const scripts: Record<string, string> = {};
  const table = project.scripts;
  for (const [name, target] of Object.entries(isTable(table) ? table : {})) {
    // Anything else could not be a console script pip installs; it is not offered as a command.
    if (SCRIPT_NAME.test(name) && typeof target === "string" && SCRIPT_TARGET.test(target.trim())) scripts[name] = target.trim();
  }
  return {
    name: typeof project.name === "string" ? normalizeName(project.name) : null,
    scripts,
    requiresPython: requires?.trim() ?? null,
  };
}
