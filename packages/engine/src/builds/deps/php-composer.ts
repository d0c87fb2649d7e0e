// What PHP builds read of composer.json and composer.lock: the packages to fetch, the extensions
// and PHP release asked for (checked against the host's PHP 8.2), and the Composer settings the
// fetch runs with (the mirror only, packagist.org off), never written into the app's files.
import { spawnSync } from "node:child_process";
import semver from "semver";
import { ValidationError } from "../../errors.ts";
import { readSourceFile } from "./python-requirements.ts";

export const COMPOSER_SETTING = "SKYPANEL_COMPOSER_REPOSITORY_URL";

/** Requirements Composer satisfies from the platform, not by fetching a package. */
const PLATFORM_PACKAGE = /^(php(-64bit|-ipv6|-zts|-debug)?|hhvm|composer(-plugin-api|-runtime-api)?|ext-.+|lib-.+)$/i;

export interface ComposerJson {
  require: Record<string, string>;
  repositories: unknown;
}

export function readComposerJson(sourceDir: string): ComposerJson | null {
  const text = readSourceFile(sourceDir, "composer.json");
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`composer.json is not valid JSON (${(err as Error).message}).`);
  }
  const o = (raw ?? {}) as Record<string, unknown>;
  const require = typeof o.require === "object" && o.require !== null ? (o.require as Record<string, string>) : {};
  return { require, repositories: o.repositories };
}

/** The packages composer.json requires that must be fetched (not php, ext-*, lib-*). */
export const requiredPackages = (c: ComposerJson) => Object.keys(c.require).filter((name) => !PLATFORM_PACKAGE.test(name));

/** The extensions composer.json requires, lower-case, without "ext-". */
export const requiredExtensions = (c: ComposerJson) =>
  Object.keys(c.require)
    .filter((name) => /^ext-/i.test(name))
    .map((name) => name.slice(4).toLowerCase());

/** A few names, for a message. */
export const named = (names: string[]) => names.slice(0, 3).join(", ") + (names.length > 3 ? ` and ${names.length - 3} more` : "");

export const unreachableRegistry = (packages: string[]) =>
  new ValidationError(
    `composer.json requires ${named(packages)}: packagist.org is not reachable from this platform's builds; set ${COMPOSER_SETTING} to a mirror of it (a Composer repository: Satis, Private Packagist, Artifactory…) so PHP apps can fetch their packages.`,
  );

/** composer.json's own repositories, which builds do not use: they fetch from the mirror only. */
export function ownRepositories(c: ComposerJson): string[] {
  const list = Array.isArray(c.repositories) ? c.repositories : Object.values((c.repositories ?? {}) as Record<string, unknown>);
  return list
    .filter((r) => r !== false && !(typeof r === "object" && r !== null && "packagist.org" in r))
    .map((r) => {
      const o = (r ?? {}) as Record<string, unknown>;
      return `${String(o.type ?? "?")} ${String(o.url ?? "")}`.trim();
    });
}

export interface HostPhp {
  version: string;
  extensions: Set<string>;
}

let hostPhp: HostPhp | null = null;
/** The PHP builds and releases run: Debian's /usr/bin/php, its version and loaded extensions. */
export function probeHostPhp(): HostPhp {
  if (hostPhp) return hostPhp;
  const probe = spawnSync("/usr/bin/php", ["-r", 'echo PHP_VERSION, "\\n", implode(",", get_loaded_extensions());'], {
    encoding: "utf8",
    timeout: 10_000,
  });
  if (probe.status !== 0) {
    throw new ValidationError("PHP is not installed on this platform (Debian's php-cli); the platform's operator runs scripts/up.sh.");
  }
  const [version = "", extensions = ""] = probe.stdout.split("\n");
  hostPhp = { version: version.trim(), extensions: new Set(extensions.split(",").map((e) => e.trim().toLowerCase())) };
  return hostPhp;
}

/**
 * A Composer constraint as an npm semver range: "," and " " are AND, "|" and "||" OR; "~8.1"
 * (two parts) is ">=8.1 <9" in Composer; stability flags (@dev) and "v" prefixes dropped.
 */
export function composerRange(constraint: string): string | null {
  const alternatives = constraint.split(/\s*\|\|?\s*/).map((alt) =>
    alt
      .replace(/@[a-z]+/gi, "")
      .replace(/,/g, " ")
      .split(/\s+/)
      .filter(Boolean)
      .map((part) => {
        const p = part.replace(/^([<>=^~!]*)v(?=\d)/, "$1");
        const tilde = /^~(\d+)\.(\d+)$/.exec(p);
        return tilde ? `>=${tilde[1]}.${tilde[2]}.0 <${Number(tilde[1]) + 1}.0.0-0` : p.replace(/-dev$/i, "");
      })
      .join(" "),
  );
  const range = alternatives.join(" || ");
  return semver.validRange(range) === null ? null : range;
}

/** Refuses a composer.json whose require.php the host's PHP does not satisfy, or extensions it lacks. */
export function checkPlatform(c: ComposerJson, php: HostPhp) {
  const wanted = c.require.php;
  if (wanted !== undefined) {
    const range = composerRange(wanted);
    if (range === null)
      throw new ValidationError(`composer.json's require.php "${wanted}" is not a version constraint this platform can read.`);
    if (!semver.satisfies(php.version, range)) {
      throw new ValidationError(
        `composer.json requires PHP ${wanted}; this platform builds and runs PHP apps with PHP ${php.version} (Debian 12's). Change require.php to a constraint that allows ${php.version} (e.g. "^8.1").`,
      );
    }
  }
  const missing = requiredExtensions(c).filter((e) => !php.extensions.has(e));
  if (missing.length > 0) {
    throw new ValidationError(
      `composer.json requires ${missing.map((e) => `ext-${e}`).join(", ")}, which this platform's PHP ${php.version} does not have (Debian's ${missing.map((e) => `php-${e}`).join(", ")}${missing.length === 1 ? " is" : " are"} not installed, or Debian has no such package).`,
    );
  }
}

/**
 * COMPOSER_HOME/config.json for the fetch: the mirror as the one repository, packagist.org off,
 * no plugins' network of their own; dist archives only.
 */
export function composerConfig(mirror: string): string {
  return `${JSON.stringify(
    {
      config: { "secure-http": mirror.startsWith("https:"), "preferred-install": "dist", "allow-plugins": false },
      repositories: [{ type: "composer", url: mirror }, { "packagist.org": false }],
    },
    null,
    2,
  )}\n`;
}
