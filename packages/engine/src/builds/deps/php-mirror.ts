// composer.lock against the mirror: a lock made against packagist.org points its dist archives at
// GitHub, which builds cannot reach. Each locked package is looked up in the mirror's metadata
// (packages.json inline, or its metadata-url per package) by name and source reference, and the
// fetch's copy of the lock gets the mirror's archive URL; versions, references and the lock's own
// shasum stay as committed (the mirror's shasum fills only an empty one). The app's files are
// never changed.
import { ValidationError } from "../../errors.ts";
import { COMPOSER_SETTING } from "./php-composer.ts";

/** Composer's package-name rule (vendor/name, lower case), as composer validate checks it. */
const PACKAGE_NAME = /^[a-z0-9]([_.-]?[a-z0-9]+)*\/[a-z0-9](([_.]|-{1,2})?[a-z0-9]+)*$/;
const MAX_LOCKED = 2000;

interface Dist {
  type: string;
  url: string;
  reference?: string | null;
  shasum?: string;
}
export interface LockedPackage {
  name: string;
  version: string;
  dist?: Dist;
  source?: { reference?: string };
}
export interface ComposerLock {
  packages?: LockedPackage[];
  "packages-dev"?: LockedPackage[];
  [key: string]: unknown;
}
type Version = { version: string; dist?: Dist; source?: { reference?: string }; [k: string]: unknown };

async function getJson(url: string, what: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) }).catch((err: Error) => {
    throw new ValidationError(`The Composer repository ${COMPOSER_SETTING} names is not reachable (${what}: ${err.message}).`);
  });
  if (res.status === 404) return null;
  if (!res.ok) throw new ValidationError(`The Composer repository ${COMPOSER_SETTING} names answered ${res.status} for ${what}.`);
  return res.json().catch(() => {
    throw new ValidationError(`The Composer repository ${COMPOSER_SETTING} names sent ${what} that is not JSON.`);
  });
}

/** Packagist's minified metadata (composer/2.0): each version repeats only what changed. */
function expand(versions: Record<string, unknown>[]): Version[] {
  let previous: Record<string, unknown> = {};
  return versions.map((v) => {
    const full: Record<string, unknown> = { ...previous, ...v };
    for (const [k, value] of Object.entries(full)) if (value === "__unset") delete full[k];
    previous = full;
    return full as Version;
  });
}

/** The mirror's versions of each package, as one lookup function. */
export async function mirrorIndex(mirror: string): Promise<(name: string) => Promise<Version[]>> {
  const base = mirror.endsWith("/") ? mirror : `${mirror}/`;
  const root = (await getJson(new URL("packages.json", base).toString(), "packages.json")) as {
    packages?: Record<string, Record<string, Version>>;
    "metadata-url"?: string;
  } | null;
  if (root === null) throw new ValidationError(`${COMPOSER_SETTING} (${mirror}) serves no packages.json: it is not a Composer repository.`);
  return async (name) => {
    const inline = root.packages?.[name];
    if (inline) return Object.values(inline);
    const template = root["metadata-url"];
    if (!template) return [];
    const meta = (await getJson(new URL(template.replace("%package%", name), base).toString(), `${name}'s metadata`)) as {
      packages?: Record<string, Record<string, unknown>[]>;
    } | null;
    return expand(meta?.packages?.[name] ?? []);
  };
}

/**
 * The lock's packages with the mirror's dist archives. A package the mirror lacks at the locked
 * reference, or one with no dist archive (a git checkout), is refused by name.
 */
export async function lockFromMirror(lock: ComposerLock, mirror: string): Promise<{ lock: ComposerLock; unchecked: string[] }> {
  const locked = Array.isArray(lock.packages) ? lock.packages : [];
  if (locked.length > MAX_LOCKED)
    throw new ValidationError(`composer.lock locks ${locked.length} packages; builds take at most ${MAX_LOCKED}.`);
  // The name goes into a URL the engine itself requests: only Composer's own name shape, so a
  // hostile lock cannot point the lookup anywhere but the mirror.
  const badName = locked.find((p) => typeof p?.name !== "string" || !PACKAGE_NAME.test(p.name));
  if (badName)
    throw new ValidationError(
      `composer.lock locks a package named ${JSON.stringify(String(badName?.name).slice(0, 80))}, which is not a Composer package name.`,
    );
  const versionsOf = await mirrorIndex(mirror);
  const unchecked: string[] = [];
  const missing: string[] = [];
  const rewrite = async (p: LockedPackage): Promise<LockedPackage> => {
    const reference = p.dist?.reference ?? p.source?.reference ?? null;
    const versions = await versionsOf(p.name);
    const match =
      versions.find((v) => reference !== null && (v.dist?.reference ?? v.source?.reference) === reference) ??
      versions.find((v) => v.version === p.version && reference === null);
    if (!match?.dist?.url) {
      missing.push(`${p.name} ${p.version}${reference ? ` (${reference.slice(0, 12)})` : ""}`);
      return p;
    }
    const shasum = p.dist?.shasum || match.dist.shasum || "";
    if (!shasum) unchecked.push(`${p.name} ${p.version}`);
    return { ...p, dist: { ...match.dist, reference: p.dist?.reference ?? match.dist.reference ?? null, shasum } };
  };
  const packages = [];
  for (const p of locked) packages.push(await rewrite(p));
  if (missing.length > 0) {
    throw new ValidationError(
      `The Composer repository ${COMPOSER_SETTING} names has no dist archive of ${missing.join(", ")}, which composer.lock locks: builds fetch only from it. Mirror those releases there, or update composer.lock against it.`,
    );
  }
  // packages-dev stay as locked: --no-dev never fetches them.
  return { lock: { ...lock, packages }, unchecked };
}
