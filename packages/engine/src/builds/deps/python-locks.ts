// Python lockfiles as the exact list pip downloads: every package the app's main dependencies
// need (not the development groups), at the locked version, with the lockfile's hashes and the
// marker that says where it is needed. Pipfile.lock is JSON; poetry.lock, uv.lock and pdm.lock
// are TOML. A package that does not come from the package index (git, a path, a URL, another
// index) is refused by name: the layer is fetched from the platform's index only.
import { isTable, parseToml, TomlError, type TomlTable, type TomlValue, tomlGet } from "../../detect/toml.ts";
import { ValidationError } from "../../errors.ts";
import { type LockEdge, type LockNode, neededPackages, normalizeName, parseRequirement } from "./python-lock-graph.ts";

export interface LockedPackage {
  name: string;
  version: string;
  /** "sha256:<hex>" (or sha384, sha512), any of which pip accepts. */
  hashes: string[];
  marker: string | null;
}

export const LOCKFILES = ["Pipfile.lock", "poetry.lock", "uv.lock", "pdm.lock"] as const;
export type Lockfile = (typeof LOCKFILES)[number];

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9.!+_-]*$/;
const HASH = /^(sha256|sha384|sha512):([0-9a-fA-F]+)$/;
const PYPI = /^https?:\/\/(?:pypi\.org|pypi\.python\.org)\/simple\/?$/;

/** The lockfile's packages for the app's main dependencies; `pyproject` is needed for poetry.lock. */
export function lockedPackages(file: Lockfile, text: string, pyproject: TomlTable | null): LockedPackage[] {
  const packages = (() => {
    switch (file) {
      case "Pipfile.lock":
        return pipfileLock(text);
      case "poetry.lock":
        return poetryLock(toml(file, text), pyproject ?? {});
      case "uv.lock":
        return uvLock(toml(file, text));
      case "pdm.lock":
        return pdmLock(toml(file, text));
    }
  })();
  for (const p of packages) check(file, p);
  return packages.sort((a, b) => normalizeName(a.name).localeCompare(normalizeName(b.name)));
}

/** One line of a requirements file: pinned, with its marker and hashes. */
export function requirementLine(p: LockedPackage): string {
  return `${p.name}==${p.version}${p.marker ? ` ; ${p.marker}` : ""} ${p.hashes.map((h) => `--hash=${h}`).join(" ")}`;
}

function toml(file: string, text: string): TomlTable {
  try {
    return parseToml(text);
  } catch (err) {
    if (err instanceof TomlError) throw new ValidationError(`${file} is not valid TOML (${err.message}).`);
    throw err;
  }
}

function unsupported(file: string, name: string, what: string): never {
  throw new ValidationError(
    `${file}: ${name} is ${what}, which SkyPanel cannot fetch yet: dependencies come from the package index only. Depend on a released version instead.`,
  );
}

function check(file: string, p: LockedPackage) {
  if (!NAME.test(p.name))
    throw new ValidationError(`${file} names a package ${JSON.stringify(p.name.slice(0, 60))}, which is not a package name.`);
  if (!VERSION.test(p.version))
    throw new ValidationError(`${file}: ${p.name} has the version ${JSON.stringify(p.version.slice(0, 60))}, which is not a version.`);
  if (p.marker !== null && /[\r\n]|\s#/.test(p.marker)) throw new ValidationError(`${file}: ${p.name}'s marker cannot be read.`);
  p.hashes = [...new Set(p.hashes.filter((h) => HASH.test(h)).map((h) => h.toLowerCase()))];
  if (p.hashes.length === 0)
    throw new ValidationError(`${file} has no sha256 hash for ${p.name} ${p.version}: lock again and commit ${file}.`);
}

const str = (v: TomlValue | undefined): string | null => (typeof v === "string" ? v : null);
const tables = (v: TomlValue | undefined): TomlTable[] => (Array.isArray(v) ? v.filter(isTable) : []);
const strings = (v: TomlValue | undefined): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : []);
const fileHashes = (v: TomlValue | undefined) => tables(v).flatMap((f) => str(f.hash) ?? []);

/** Pipfile.lock's "default" section (the [packages], not [dev-packages]). */
function pipfileLock(text: string): LockedPackage[] {
  let doc: { _meta?: { sources?: { name?: string; url?: string }[] }; default?: Record<string, Record<string, unknown>> };
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`Pipfile.lock is not JSON: ${(err as Error).message}`);
  }
  const sources = new Map((doc._meta?.sources ?? []).map((s) => [s.name, s.url]));
  return Object.entries(doc.default ?? {}).map(([name, entry]) => {
    for (const how of ["git", "path", "file", "editable"]) if (how in entry) unsupported("Pipfile.lock", name, `a ${how} dependency`);
    const version = /^==\s*(\S+)$/.exec(String(entry.version ?? ""))?.[1];
    if (!version) unsupported("Pipfile.lock", name, "not pinned to one version");
    const index = typeof entry.index === "string" ? sources.get(entry.index) : undefined;
    if (index && !PYPI.test(index)) unsupported("Pipfile.lock", name, `from the index ${index}`);
    const hashes = Array.isArray(entry.hashes) ? entry.hashes.filter((h): h is string => typeof h === "string") : [];
    return { name, version, hashes, marker: typeof entry.markers === "string" ? entry.markers : null };
  });
}

function poetrySource(p: TomlTable) {
  const source = tomlGet(p, "source");
  if (!isTable(source)) return;
  const type = str(source.type);
  if (type === "legacy" && PYPI.test(str(source.url) ?? "")) return;
  unsupported(
    "poetry.lock",
    str(p.name) ?? "?",
    type === "legacy" ? `from the index ${str(source.url)}` : `a ${type ?? "non-index"} dependency`,
  );
}

/**
 * poetry.lock: from lock-version 2.1 (Poetry 2) each package says its groups and markers; older
 * locks only have the graph, walked from pyproject.toml's main dependencies.
 */
function poetryLock(doc: TomlTable, pyproject: TomlTable): LockedPackage[] {
  const packages = tables(doc.package);
  const locked = (p: TomlTable, marker: string | null): LockedPackage => {
    poetrySource(p);
    return { name: str(p.name) ?? "", version: str(p.version) ?? "", hashes: fileHashes(p.files), marker };
  };
  if (packages.length > 0 && packages.every((p) => Array.isArray(p.groups))) {
    return packages
      .filter((p) => strings(p.groups).includes("main") && p.optional !== true)
      .map((p) => locked(p, str(p.markers) ?? (isTable(p.markers) ? str(p.markers.main) : null)));
  }
  const resolve = (edge: LockEdge): LockNode<TomlTable> => {
    const matches = packages.filter((p) => normalizeName(str(p.name) ?? "") === normalizeName(edge.name));
    const pkg = matches[0];
    if (!pkg) throw new ValidationError(`poetry.lock has no ${edge.name}, which the app needs: run poetry lock and commit poetry.lock.`);
    if (matches.length > 1) {
      throw new ValidationError(
        `poetry.lock holds several versions of ${edge.name}: lock again with Poetry 2, whose lockfile says which one the app needs.`,
      );
    }
    return { id: normalizeName(edge.name), pkg, edges: (extra) => poetryEdges(pkg, extra) };
  };
  return [...neededPackages(poetryRoots(pyproject), resolve)].map(([p, marker]) => locked(p, marker));
}

/** A poetry.lock dependency entry: a constraint, a table, or a list of tables with markers. */
function poetryEdge(name: string, spec: TomlValue): LockEdge[] {
  const specs = Array.isArray(spec) ? spec.filter(isTable) : [spec];
  return specs.map((s) => (isTable(s) ? { name, extras: strings(s.extras), marker: str(s.markers) } : { name, extras: [], marker: null }));
}

function poetryEdges(pkg: TomlTable, extra: string | null): LockEdge[] {
  const deps = tomlGet(pkg, "dependencies");
  if (!isTable(deps)) return [];
  if (extra === null) {
    return Object.entries(deps).flatMap(([name, spec]) => (isTable(spec) && spec.optional === true ? [] : poetryEdge(name, spec)));
  }
  // [package.extras] lists "name (constraint)" for each dependency an extra turns on.
  const wanted = new Set(strings(tomlGet(pkg, "extras", extra)).map((s) => normalizeName(s.split(/[\s(;[]/)[0] ?? "")));
  return Object.entries(deps).flatMap(([name, spec]) => (wanted.has(normalizeName(name)) ? poetryEdge(name, spec) : []));
}

/** pyproject.toml's main dependencies: [tool.poetry.dependencies] and PEP 621 [project] dependencies. */
function poetryRoots(pyproject: TomlTable): LockEdge[] {
  const roots: LockEdge[] = [];
  const poetry = tomlGet(pyproject, "tool", "poetry", "dependencies");
  if (isTable(poetry)) {
    for (const [name, spec] of Object.entries(poetry)) {
      if (name.toLowerCase() === "python" || (isTable(spec) && spec.optional === true)) continue;
      roots.push(...poetryEdge(name, spec));
    }
  }
  for (const line of strings(tomlGet(pyproject, "project", "dependencies"))) {
    const edge = parseRequirement(line);
    if (edge) roots.push(edge);
  }
  return roots;
}

/** uv.lock: the graph from the project itself (source virtual or editable "."), without its dev groups. */
function uvLock(doc: TomlTable): LockedPackage[] {
  const packages = tables(doc.package);
  const isProject = (p: TomlTable) => {
    const source = tomlGet(p, "source");
    return isTable(source) && (source.virtual === "." || source.editable === ".");
  };
  const edges = (list: TomlValue | undefined): LockEdge[] =>
    tables(list).map((d) => ({
      name: str(d.name) ?? "",
      version: str(d.version) ?? undefined,
      extras: strings(d.extra),
      marker: str(d.marker),
    }));
  const resolve = (edge: LockEdge): LockNode<TomlTable> => {
    const matches = packages.filter(
      (p) => normalizeName(str(p.name) ?? "") === normalizeName(edge.name) && (!edge.version || p.version === edge.version),
    );
    const pkg = matches[0];
    if (!pkg) throw new ValidationError(`uv.lock has no ${edge.name}, which the app needs: run uv lock and commit uv.lock.`);
    if (matches.length > 1)
      throw new ValidationError(`uv.lock holds several versions of ${edge.name} for the app: SkyPanel cannot tell which one to install.`);
    const source = tomlGet(pkg, "source");
    const registry = isTable(source) ? str(source.registry) : null;
    if (registry === null)
      unsupported("uv.lock", edge.name, `a ${isTable(source) ? Object.keys(source).join("/") : "non-index"} dependency`);
    if (!PYPI.test(registry)) unsupported("uv.lock", edge.name, `from the index ${registry}`);
    return {
      id: `${normalizeName(edge.name)}@${str(pkg.version)}`,
      pkg,
      edges: (extra) => edges(extra === null ? pkg.dependencies : tomlGet(pkg, "optional-dependencies", extra)),
    };
  };
  const roots = packages.filter(isProject).flatMap((p) => edges(p.dependencies));
  return [...neededPackages(roots, resolve)].map(([p, marker]) => ({
    name: str(p.name) ?? "",
    version: str(p.version) ?? "",
    hashes: [str(tomlGet(p, "sdist", "hash")), ...tables(p.wheels).map((w) => str(w.hash))].filter((h): h is string => h !== null),
    marker,
  }));
}

/** pdm.lock: the packages of the "default" group; one entry per extra is merged into its package. */
function pdmLock(doc: TomlTable): LockedPackage[] {
  const merged = new Map<string, LockedPackage>();
  for (const p of tables(doc.package)) {
    const name = str(p.name) ?? "";
    if (!Array.isArray(p.groups)) {
      throw new ValidationError(
        `pdm.lock does not say which group ${name} belongs to: lock again with a current PDM (pdm lock) and commit pdm.lock.`,
      );
    }
    if (!strings(p.groups).includes("default")) continue;
    for (const how of ["git", "path", "url", "editable"]) if (how in p) unsupported("pdm.lock", name, `a ${how} dependency`);
    const key = `${normalizeName(name)}@${str(p.version)}`;
    const entry = merged.get(key) ?? { name, version: str(p.version) ?? "", hashes: [], marker: str(p.marker) };
    entry.hashes.push(...fileHashes(p.files));
    merged.set(key, entry);
  }
  return [...merged.values()];
}
