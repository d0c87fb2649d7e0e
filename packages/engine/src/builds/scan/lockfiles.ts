// The exact package versions a build locks, read from its lockfiles for the vulnerability scan.
// Lockfiles come from users: each parser takes any text, keeps only well-formed names and
// versions, and says how many entries it left out instead of throwing.
import semver from "semver";

export interface LockedVersion {
  name: string;
  version: string;
}

export interface LockedSet {
  /** The file the versions came from, relative to the source ("package-lock.json"). */
  lockfile: string;
  packages: LockedVersion[];
  /** Entries left out: not from the registry (git, a path, a link), or not well-formed. */
  skipped: number;
}

// npm's rules for new names, loosened for old ones (capitals), bounded like the registry's 214.
const NPM_NAME = /^(?:@[A-Za-z0-9][\w.~-]*\/)?[A-Za-z0-9~][\w.~-]*$/;
const PYPI_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const PYPI_VERSION = /^[A-Za-z0-9][A-Za-z0-9.!+_-]*$/;
const GO_MODULE = /^[A-Za-z0-9][A-Za-z0-9._~/-]*$/;
const MAX_NAME = 214;
const MAX_VERSION = 128;

/** Collects unique name@version pairs, counting what it refuses. */
class Collector {
  private seen = new Map<string, LockedVersion>();
  skipped = 0;
  constructor(
    private readonly nameOk: (n: string) => boolean,
    private readonly versionOk: (v: string) => boolean,
  ) {}
  add(name: unknown, version: unknown) {
    if (typeof name !== "string" || typeof version !== "string" || name.length > MAX_NAME || version.length > MAX_VERSION) {
      this.skipped++;
      return;
    }
    if (!this.nameOk(name) || !this.versionOk(version)) {
      this.skipped++;
      return;
    }
    this.seen.set(`${name}@${version}`, { name, version });
  }
  result(lockfile: string): LockedSet {
    return {
      lockfile,
      packages: [...this.seen.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version)),
      skipped: this.skipped,
    };
  }
}

const npmCollector = () =>
  new Collector(
    (n) => NPM_NAME.test(n),
    (v) => semver.valid(v) !== null,
  );
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** package-lock.json or npm-shrinkwrap.json, lockfile versions 1 to 3. */
export function npmLockVersions(lockfile: string, text: string): LockedSet {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new LockfileError(`${lockfile} is not valid JSON`);
  }
  if (!isObject(doc)) throw new LockfileError(`${lockfile} is not a lockfile (no JSON object)`);
  const c = npmCollector();
  if (isObject(doc.packages)) {
    // v2 and v3: one entry per installed folder; the root ("") is the app itself.
    for (const [path, entry] of Object.entries(doc.packages)) {
      if (path === "" || !isObject(entry)) continue;
      if (entry.link === true) continue;
      const at = path.lastIndexOf("node_modules/");
      // A workspace member's own folder (no node_modules/ in its path) is the app's, not the registry's.
      if (at < 0) continue;
      c.add(typeof entry.name === "string" ? entry.name : path.slice(at + "node_modules/".length), entry.version);
    }
  } else if (isObject(doc.dependencies)) {
    // v1: a nested tree, walked without recursion so a deep one cannot exhaust the stack.
    const stack: Record<string, unknown>[] = [doc.dependencies];
    while (stack.length > 0) {
      const deps = stack.pop() as Record<string, unknown>;
      for (const [name, entry] of Object.entries(deps)) {
        if (!isObject(entry)) continue;
        c.add(name, entry.version);
        if (isObject(entry.dependencies)) stack.push(entry.dependencies);
      }
    }
  }
  return c.result(lockfile);
}

/** yarn.lock, classic (v1) or Berry: each block's first spec names the package, `version` its version. */
export function yarnLockVersions(text: string): LockedSet {
  const c = npmCollector();
  let name: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (line === "" || line.startsWith("#")) continue;
    if (!/^\s/.test(line)) {
      // "lodash@^4.17.0, lodash@^4.17.21:" or "\"@babel/core@npm:^7.0.0\":"
      const spec = line.replace(/:$/, "").split(",")[0]?.trim().replace(/^"|"$/g, "") ?? "";
      const at = spec.indexOf("@", 1);
      name = at > 0 && spec !== "__metadata" ? spec.slice(0, at) : null;
      continue;
    }
    const version = /^\s+version:?\s+"?([^"\s]+)"?\s*$/.exec(line);
    if (version && name) {
      // A Berry workspace or patch entry is not a registry package.
      if (/@(?:workspace|patch|link|portal|file):/.test(line) || version[1] === "0.0.0-use.local") c.skipped++;
      else c.add(name, version[1]);
      name = null;
    }
  }
  return c.result("yarn.lock");
}

/** requirements.txt: only exact pins (name==version) say which version is installed; the rest are counted as skipped. */
export function requirementsVersions(text: string): LockedSet {
  const c = new Collector(
    (n) => PYPI_NAME.test(n),
    (v) => PYPI_VERSION.test(v),
  );
  // Backslash continuations join lines, as pip reads them.
  for (const raw of text.replace(/\\\r?\n/g, " ").split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (line === "" || line.startsWith("-")) continue;
    const pin = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([^\s;,]+)\s*(?:;.*)?(?:\s+--hash=\S+)*\s*$/.exec(line);
    if (pin && !(pin[2] as string).includes("*")) c.add(pin[1], pin[2]);
    else c.skipped++;
  }
  return c.result("requirements.txt");
}

/** Python lockfiles' versions, as the dependency step reads them (python-locks.ts). */
export function pythonLockedVersions(lockfile: string, packages: { name: string; version: string }[]): LockedSet {
  const c = new Collector(
    (n) => PYPI_NAME.test(n),
    (v) => PYPI_VERSION.test(v),
  );
  for (const p of packages) c.add(p.name, p.version);
  return c.result(lockfile);
}

/**
 * go.mod's require lines: the versions the build uses (since Go 1.17 indirect ones are listed too).
 * go.sum is not used: it also lists versions the module graph passed over, which would be false findings.
 */
export function goModVersions(text: string): LockedSet {
  const c = new Collector(
    (n) => GO_MODULE.test(n) && !n.includes(".."),
    (v) => /^v\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+incompatible)?$/.test(v),
  );
  let inBlock = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    if (inBlock) {
      if (line === ")") inBlock = false;
      else if (line) addGo(c, line);
    } else if (/^require\s*\($/.test(line)) inBlock = true;
    else if (line.startsWith("require ")) addGo(c, line.slice("require ".length).trim());
  }
  return c.result("go.mod");
}

function addGo(c: Collector, line: string) {
  const [module, version, extra] = line.split(/\s+/);
  if (extra !== undefined) c.skipped++;
  else c.add(module?.replace(/^"|"$/g, ""), version);
}

/** A lockfile the scan cannot read at all: its ecosystem is then not checked, with this reason. */
export class LockfileError extends Error {}
