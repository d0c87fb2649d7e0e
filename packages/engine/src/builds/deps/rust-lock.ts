// What the Rust dependency layer reads of an app's source: its Cargo manifests (the root's, the
// workspace members' and path dependencies'), Cargo.lock's packages, and the git dependencies
// a build cannot fetch. The source is not trusted: files are read with readSourceFile's caps.
import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { isTable, parseToml, TomlError, type TomlTable, tomlGet } from "../../detect/toml.ts";
import { ValidationError } from "../../errors.ts";
import { readSourceFile } from "./python-requirements.ts";

/** Past this many files the source is not a Rust app the layer is made for. */
const MAX_CRATE_FILES = 20_000;
/** Never looked into: build output, VCS data, other stacks' dependencies, hidden folders (.cargo). */
const SKIPPED_DIRS = new Set(["target", "node_modules"]);

export interface LockedPackage {
  name: string;
  version: string;
  /** `registry+…`, `sparse+…` or `git+…`; none for the app's own (path) packages. */
  source?: string;
  checksum?: string;
}

function parse(file: string, text: string): TomlTable {
  try {
    return parseToml(text);
  } catch (err) {
    throw new ValidationError(`${file} is not valid TOML: ${err instanceof TomlError ? err.message : String(err)}`);
  }
}

/**
 * The files `cargo vendor` reads to load the app's packages: every Cargo.toml, the root's
 * Cargo.lock, and the .rs files Cargo looks at to find each package's targets. Relative paths.
 */
export function crateFiles(sourceDir: string): string[] {
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(sourceDir, rel)).sort()) {
      const path = rel === "" ? name : `${rel}/${name}`;
      const info = lstatSync(join(sourceDir, path));
      if (info.isDirectory() && !name.startsWith(".") && !SKIPPED_DIRS.has(name)) walk(path);
      else if (info.isFile() && (name === "Cargo.toml" || name.endsWith(".rs") || path === "Cargo.lock")) files.push(path);
      if (files.length > MAX_CRATE_FILES) {
        throw new ValidationError(
          `The source has more than ${MAX_CRATE_FILES} Cargo.toml and .rs files; SkyPanel builds smaller Rust apps.`,
        );
      }
    }
  };
  walk("");
  return files;
}

/** The manifests among crateFiles(): what, with Cargo.lock, decides the dependency layer. */
export const manifestFiles = (files: string[]) => files.filter((f) => f === "Cargo.lock" || f.endsWith("Cargo.toml"));

/** A Cargo.lock's packages. */
export function lockedPackages(text: string, file = "Cargo.lock"): LockedPackage[] {
  const packages = tomlGet(parse(file, text), "package");
  if (!Array.isArray(packages)) return [];
  return packages.filter(isTable).flatMap((p) => {
    const { name, version, source, checksum } = p;
    if (typeof name !== "string" || typeof version !== "string") return [];
    return [
      {
        name,
        version,
        ...(typeof source === "string" ? { source } : {}),
        ...(typeof checksum === "string" ? { checksum } : {}),
      },
    ];
  });
}

/** The dependency tables of a manifest, where `[dependencies] x = { git = … }` can be. */
function dependencyTables(cargo: TomlTable): TomlTable[] {
  const kinds = ["dependencies", "dev-dependencies", "build-dependencies"];
  const tables: unknown[] = kinds.map((k) => cargo[k]);
  tables.push(tomlGet(cargo, "workspace", "dependencies"));
  const targets = cargo.target;
  if (isTable(targets)) for (const t of Object.values(targets)) if (isTable(t)) tables.push(...kinds.map((k) => t[k]));
  const patches = cargo.patch;
  if (isTable(patches)) tables.push(...Object.values(patches));
  tables.push(cargo.replace);
  return tables.filter((t): t is TomlTable => isTable(t as TomlTable));
}

/** The git dependencies of the app, as "<crate> (<url>) in <file>": Cargo.lock's, and the manifests'. */
export function gitDependencies(sourceDir: string, files: string[], locked: LockedPackage[] | null): string[] {
  const found = new Set<string>();
  for (const p of locked ?? []) {
    if (p.source?.startsWith("git+")) found.add(`${p.name} (${p.source.slice(4).replace(/#.*$/, "")}) in Cargo.lock`);
  }
  for (const file of files.filter((f) => f.endsWith("Cargo.toml"))) {
    const text = readSourceFile(sourceDir, file);
    if (text === null) continue;
    for (const table of dependencyTables(parse(file, text))) {
      for (const [name, spec] of Object.entries(table)) {
        if (isTable(spec) && typeof spec.git === "string") found.add(`${name} (${spec.git}) in ${file}`);
      }
    }
  }
  return [...found];
}

/** The packages the layer downloads: those Cargo.lock takes from a registry. */
export const registryPackages = (locked: LockedPackage[]) =>
  locked.filter((p) => p.source !== undefined && /^(registry|sparse)\+/.test(p.source));
