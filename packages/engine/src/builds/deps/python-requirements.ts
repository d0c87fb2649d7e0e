// What pip downloads for a Python app, as requirement files: the app's requirements.txt (and the
// files it includes) as they are; a lockfile's exact pins with hashes (python-locks.ts); or, for
// a Pipfile or pyproject.toml without a lockfile, its version ranges as requirement lines.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from "node:fs";
import { dirname, join, normalize, sep } from "node:path";
import type { BuildPlan } from "../../detect/plan.ts";
import { isTable, parseToml, TomlError, type TomlTable, type TomlValue, tomlGet } from "../../detect/toml.ts";
import { ValidationError } from "../../errors.ts";
import { LOCKFILES, type Lockfile, lockedPackages, requirementLine } from "./python-locks.ts";

export interface PipInput {
  /** Requirement files by path, relative to the directory pip runs in. */
  files: Record<string, string>;
  /** The file pip download reads (-r). */
  main: string;
  /** Where the requirements come from, for the log and errors ("poetry.lock"). */
  from: string;
}

// Lockfiles of large apps run to a few MB (uv.lock lists every wheel of every platform).
const MAX_FILE_BYTES = 16 * 1024 * 1024;
const MAX_INCLUDE_DEPTH = 5;

/** A file of the source as text: never through a link out of it, never a device, never past the cap. */
export function readSourceFile(sourceDir: string, rel: string): string | null {
  const root = realpathSync(sourceDir);
  let real: string;
  try {
    real = realpathSync(join(root, rel));
  } catch {
    return null;
  }
  if (!real.startsWith(root + sep)) throw new ValidationError(`${rel} is outside the source directory.`);
  const fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new ValidationError(`${rel} is not a regular file.`);
    if (info.size > MAX_FILE_BYTES) throw new ValidationError(`${rel} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB.`);
    const buffer = Buffer.alloc(info.size);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, length);
      if (n === 0) break;
      length += n;
    }
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

function readToml(sourceDir: string, file: string): TomlTable {
  try {
    return parseToml(readSourceFile(sourceDir, file) ?? "");
  } catch (err) {
    if (err instanceof TomlError) throw new ValidationError(`${file} is not valid TOML (${err.message}).`);
    throw err;
  }
}

/**
 * The requirement files pip gets, from the plan's manifest (first in `lockfiles`) and lockfile;
 * null when the app declares no requirement at all.
 */
export function pipInput(plan: BuildPlan, sourceDir: string): PipInput | null {
  const manifest = plan.lockfiles[0] ?? "";
  const lock = plan.lockfiles.find((f): f is Lockfile => (LOCKFILES as readonly string[]).includes(f));
  if (manifest === "requirements.txt") {
    const files: Record<string, string> = {};
    const named = includeRequirements(sourceDir, manifest, files, 0);
    return named ? { files, main: manifest, from: manifest } : null;
  }
  let lines: string[];
  if (lock) {
    const pyproject = manifest === "pyproject.toml" ? readToml(sourceDir, manifest) : null;
    lines = lockedPackages(lock, readSourceFile(sourceDir, lock) ?? "", pyproject).map(requirementLine);
  } else if (manifest === "Pipfile" || manifest === "pyproject.toml") {
    lines = manifestRanges(manifest, readToml(sourceDir, manifest));
  } else {
    return null;
  }
  if (lines.length === 0) return null;
  return { files: { "requirements.txt": `${lines.join("\n")}\n` }, main: "requirements.txt", from: lock ?? manifest };
}

/**
 * Reads `file` and the files it includes (-r, -c) into `files`; whether any line names a
 * requirement. Only what pip can fetch from an index or a URL is accepted: a local path or an
 * editable install is refused by line.
 */
function includeRequirements(sourceDir: string, file: string, files: Record<string, string>, depth: number): boolean {
  const text = readSourceFile(sourceDir, file);
  if (text === null) throw new ValidationError(`${file} is not in the source, but a requirements file includes it.`);
  files[file] = text;
  let named = false;
  for (const raw of text.replace(/\\\r?\n/g, " ").split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (line === "") continue;
    const [, option, include] = /^(-r|--requirement|-c|--constraint)(?:\s*|=)(\S+)$/.exec(line) ?? [];
    if (include !== undefined) {
      if (/^[a-z]+:\/\//i.test(include)) continue; // pip fetches it itself
      const target = normalize(join(dirname(file), include));
      if (include.startsWith("/") || target.startsWith(".."))
        throw new ValidationError(`${file} includes ${include}, which is outside the source.`);
      if (depth >= MAX_INCLUDE_DEPTH) throw new ValidationError(`${file} includes files more than ${MAX_INCLUDE_DEPTH} levels deep.`);
      // A constraints file only narrows versions: it names nothing to install.
      const names = includeRequirements(sourceDir, target, files, depth + 1);
      named ||= names && (option === "-r" || option === "--requirement");
      continue;
    }
    if (/^(?:-e|--editable)\b/.test(line) || /^(?:\.|\/|file:)|@\s*file:/.test(line)) {
      throw new ValidationError(
        `${file}: "${line.slice(0, 80)}" installs from a directory or a local file, which SkyPanel cannot fetch yet. Depend on a released version instead.`,
      );
    }
    const links = /^(?:-f|--find-links)(?:\s*|=)(\S+)$/.exec(line)?.[1];
    if (links !== undefined && !/^https?:\/\//i.test(links)) {
      throw new ValidationError(`${file}: --find-links ${links} points at files of the source, which SkyPanel cannot fetch from yet.`);
    }
    if (!line.startsWith("-")) named = true;
  }
  return named;
}

function release(version: string): number[] {
  return (/^\d+(?:\.\d+)*/.exec(version)?.[0] ?? "0").split(".").map(Number);
}

/** ^1.2.3 → >=1.2.3,<2.0.0 (the first non-zero part may not change). */
function caret(version: string): string {
  const parts = release(version);
  const first = parts.findIndex((p) => p !== 0);
  const index = first === -1 ? parts.length - 1 : first;
  const upper = parts.slice(0, index + 1);
  upper[index] = (upper[index] ?? 0) + 1;
  return `>=${version},<${upper.join(".")}`;
}

/** ~1.2.3 → >=1.2.3,<1.3 ; ~1 → >=1,<2. */
function tilde(version: string): string {
  const parts = release(version);
  const upper = parts.length > 1 ? parts.slice(0, 2) : parts.slice(0, 1);
  upper[upper.length - 1] = (upper[upper.length - 1] ?? 0) + 1;
  return `>=${version},<${upper.join(".")}`;
}

function notSupported(manifest: string, name: string, what: string): never {
  throw new ValidationError(
    `${manifest}: ${name} is ${what}, which SkyPanel does not support yet. Use a version range, or commit a lockfile.`,
  );
}

/** A Poetry version constraint as a PEP 440 specifier ("" for any version). */
function poetryConstraint(manifest: string, name: string, constraint: string): string {
  const specs: string[] = [];
  for (const part of constraint.trim().split(/\s*,\s*/)) {
    if (part === "*" || part === "") continue;
    const m = /^([\^~]|[<>=!~]=?|)\s*(\d+(?:\.\d+)*(?:\.\*)?(?:[a-z]+\d*)?)$/.exec(part);
    if (!m) notSupported(manifest, name, `the constraint "${constraint}"`);
    const [, op, version] = m as unknown as [string, string, string];
    specs.push(op === "^" ? caret(version) : op === "~" ? tilde(version) : `${op || "=="}${version}`);
  }
  return specs.join(",");
}

const pipfileConstraint = (_manifest: string, _name: string, spec: string) => (spec.trim() === "*" ? "" : spec.trim());

function tableRequirement(
  manifest: string,
  name: string,
  spec: TomlValue,
  constraint: (manifest: string, name: string, spec: string) => string,
): string {
  if (typeof spec === "string") return `${name}${constraint(manifest, name, spec)}`;
  if (!isTable(spec)) notSupported(manifest, name, "given several constraints");
  for (const how of ["git", "path", "url", "file", "editable"]) if (how in spec) notSupported(manifest, name, `a ${how} dependency`);
  const extras = Array.isArray(spec.extras) && spec.extras.length > 0 ? `[${spec.extras.join(",")}]` : "";
  const markers = typeof spec.markers === "string" ? ` ; ${spec.markers}` : "";
  const version = typeof spec.version === "string" ? spec.version : "*";
  return `${name}${extras}${constraint(manifest, name, version)}${markers}`;
}

/** The version ranges a Pipfile or pyproject.toml declares, as requirement lines (no lockfile). */
export function manifestRanges(manifest: "Pipfile" | "pyproject.toml", doc: TomlTable): string[] {
  const lines: string[] = [];
  if (manifest === "Pipfile") {
    const packages = tomlGet(doc, "packages");
    for (const [name, spec] of Object.entries(isTable(packages) ? packages : {})) {
      lines.push(tableRequirement(manifest, name, spec, pipfileConstraint));
    }
  } else {
    const poetry = tomlGet(doc, "tool", "poetry", "dependencies");
    for (const [name, spec] of Object.entries(isTable(poetry) ? poetry : {})) {
      if (name.toLowerCase() === "python" || (isTable(spec) && spec.optional === true)) continue;
      lines.push(tableRequirement(manifest, name, spec, poetryConstraint));
    }
    const project = tomlGet(doc, "project", "dependencies");
    if (Array.isArray(project)) lines.push(...project.filter((d): d is string => typeof d === "string").map((d) => d.trim()));
  }
  for (const line of lines) {
    if (/[\r\n]/.test(line) || line.startsWith("-"))
      throw new ValidationError(`${manifest}: the dependency "${line.slice(0, 80)}" cannot be read.`);
  }
  return lines;
}
