// PHP's dependency layer: the packages composer.lock locks, fetched by `composer install
// --no-scripts --no-plugins --no-autoloader --no-dev --prefer-dist` as the unprivileged user from
// the Composer repository SKYPANEL_COMPOSER_REPOSITORY_URL names, and from nowhere else
// (packagist.org off, in COMPOSER_HOME's config; the app's composer.json is not touched).
// Composer checks each archive against the lock's shasum when it has one (packagist.org's GitHub
// archives have none: those are not checked, and the log names them). With no composer.lock the
// packages are resolved here, with a warning. The layer is <layer>/vendor and the lock used;
// buildpacks/php.nix dumps the autoloader offline.
import { chmodSync, chownSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BuildPlan } from "../../detect/plan.ts";
import { ValidationError } from "../../errors.ts";
import { CommandFailedError, runChecked } from "../../process/run.ts";
import { cacheKey, hashFiles } from "../cache.ts";
import { type BuildNetwork, networkEnv } from "../network.ts";
import { asUnprivileged, unprivilegedDir } from "../workspace.ts";
import {
  COMPOSER_SETTING,
  checkPlatform,
  composerConfig,
  named,
  ownRepositories,
  probeHostPhp,
  readComposerJson,
  requiredPackages,
  unreachableRegistry,
} from "./php-composer.ts";
import { type ComposerLock, lockFromMirror } from "./php-mirror.ts";
import { readSourceFile } from "./python-requirements.ts";
import type { DependencyFetcher, FetchContext } from "./types.ts";

/** What the fetch runs, as the plan shows it. */
export const COMPOSER_INSTALL = "composer install --no-scripts --no-plugins --no-autoloader --no-dev --prefer-dist";
/** What buildpacks/php.nix runs on the layer, offline. */
export const COMPOSER_AUTOLOAD = "composer dump-autoload --optimize --no-dev --no-scripts --no-plugins";

/** The buildpack's plan: the platform's PHP checked against require.php and ext-*, and the commands it really runs. */
export function phpPlan(plan: BuildPlan, sourceDir: string): BuildPlan {
  const composer = readComposerJson(sourceDir);
  const php = probeHostPhp();
  if (!composer) return { ...plan, install: null, versions: { ...plan.versions, php: php.version } };
  checkPlatform(composer, php);
  const packages = requiredPackages(composer);
  const reasons = plan.reasons.map((r) =>
    r.topic === "version"
      ? { ...r, reason: `${r.reason} Builds and runs with PHP ${php.version}, Debian 12's (php-cli).` }
      : r.topic === "start"
        ? { ...r, reason: `${r.reason} (Heroku's heroku-php-apache2 is not available on this platform.)` }
        : r,
  );
  reasons.push({
    topic: "install",
    reason:
      packages.length > 0
        ? `${COMPOSER_INSTALL} from ${COMPOSER_SETTING} (fetched with the dependencies), then ${COMPOSER_AUTOLOAD} offline.`
        : `nothing to fetch (composer.json requires no package); ${COMPOSER_AUTOLOAD} offline.`,
  });
  return { ...plan, install: `${COMPOSER_AUTOLOAD}`, versions: { ...plan.versions, php: php.version }, reasons };
}

/** A fresh directory only root may write (the unprivileged user may read it). */
function platformDir(path: string) {
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { recursive: true, mode: 0o755 });
  chownSync(path, 0, 0);
  chmodSync(path, 0o755);
}

/** What a failed `composer install` means, in words for the user. */
function installFailure(output: string[]): ValidationError {
  const text = output.join("\n");
  const checksum = /(?:Failed to download|Downloading) (\S+\/\S+)[\s\S]*?checksum verification of the file failed/i.exec(text);
  const pkg = checksum?.[1] ?? /checksum verification[^\n]*?\/([a-z0-9_.-]+\/[a-z0-9_.-]+?)(?:-[0-9][^/\s]*)?\.zip/i.exec(text)?.[1];
  if (/checksum verification of the file failed/i.test(text)) {
    return new ValidationError(
      `${pkg ?? "A package"}'s archive from the Composer repository does not match composer.lock's shasum, so Composer refused it. If composer.lock was edited by hand, run 'composer update --lock' and commit it; if not, the archive changed since the lock was written: check it before trusting it.`,
    );
  }
  const why = output.filter((l) => l.trim() !== "" && !/^\s*-\s/.test(l)).slice(-4);
  return new ValidationError(`composer install could not fetch composer.json's packages: ${why.join(" ") || "it failed"}`);
}

async function runComposer(ctx: FetchContext, cwd: string, home: string, cache: string, args: string[]) {
  const output: string[] = [];
  try {
    await runChecked(...asUnprivileged("/usr/bin/composer", [...args, "--no-interaction", "--no-ansi"]), {
      cwd,
      env: {
        ...networkEnv(ctx.network),
        PATH: ctx.path,
        HOME: home,
        COMPOSER_HOME: home,
        COMPOSER_CACHE_DIR: cache,
        COMPOSER_ALLOW_SUPERUSER: "0",
        COMPOSER_NO_INTERACTION: "1",
      },
      onLine: (line) => {
        output.push(line);
        ctx.log(line);
      },
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
    });
  } catch (err) {
    if (err instanceof CommandFailedError) throw installFailure(output);
    throw err;
  }
}

/** The mirror in words for the log: never the login a URL may carry. */
const mirrorName = (mirror: string) => {
  const u = new URL(mirror);
  return `the Composer repository ${u.host}${u.pathname.replace(/\/+$/, "")}`;
};

async function fetchLayer(sourceDir: string, mirror: string, ctx: FetchContext): Promise<string> {
  platformDir(ctx.workDir);
  const home = join(ctx.workDir, "composer-home");
  const cache = join(ctx.cacheRoot, "composer");
  const project = join(ctx.workDir, "project");
  for (const dir of [home, cache, project]) unprivilegedDir(dir);
  // Written by root: the unprivileged user reads the mirror setting, it cannot change it.
  writeFileSync(join(home, "config.json"), composerConfig(mirror), { mode: 0o644, flag: "wx" });
  writeFileSync(join(project, "composer.json"), readSourceFile(sourceDir, "composer.json") ?? "{}", { mode: 0o644, flag: "wx" });

  const committed = readSourceFile(sourceDir, "composer.lock");
  if (committed === null) {
    ctx.log(
      ` !     No composer.lock: resolving the packages' versions now, from ${mirrorName(mirror)}; commit composer.lock to build the same ones every time`,
    );
  } else {
    let lock: ComposerLock;
    try {
      lock = JSON.parse(committed) as ComposerLock;
    } catch (err) {
      throw new ValidationError(`composer.lock is not valid JSON (${(err as Error).message}).`);
    }
    const { lock: fromMirror, unchecked } = await lockFromMirror(lock, mirror);
    if (unchecked.length > 0)
      ctx.log(` !     no shasum to check the archives of ${named(unchecked)} against: composer.lock and the mirror give none`);
    writeFileSync(join(project, "composer.lock"), `${JSON.stringify(fromMirror, null, 4)}\n`, { mode: 0o644, flag: "wx" });
  }
  ctx.log(`-----> ${COMPOSER_INSTALL} (from ${mirrorName(mirror)} only${committed === null ? "" : ", as composer.lock locks them"})`);
  await runComposer(ctx, project, home, cache, COMPOSER_INSTALL.split(" ").slice(1));

  const layer = join(ctx.workDir, "layer");
  platformDir(layer);
  // Copied by root out of the unprivileged user's folder: no link of theirs is followed.
  await runChecked("cp", ["-R", "--no-dereference", join(project, "vendor"), join(layer, "vendor")], { timeoutMs: 120_000 });
  await runChecked("cp", ["--no-dereference", join(project, "composer.lock"), join(layer, "composer.lock")], { timeoutMs: 10_000 });
  await runChecked("chown", ["-R", "--no-dereference", "0:0", layer], { timeoutMs: 60_000 });
  return layer;
}

const composerPackages = (mirror: string): DependencyFetcher => ({
  key(_plan, sourceDir, toolchainId) {
    const files = hashFiles(["composer.json", "composer.lock"], (f) => readSourceFile(sourceDir, f) ?? "");
    return cacheKey({ v: 1, stack: "php", toolchainId, arch: process.arch, mirror, files });
  },
  fetch: (_plan, sourceDir, ctx) => fetchLayer(sourceDir, mirror, ctx),
});

/**
 * PHP's dependency step: nothing when composer.json requires no package; refused without a mirror
 * (packagist.org is not reachable), or when composer.json names repositories of its own; else the layer.
 */
export function phpDependencies(_plan: BuildPlan, sourceDir: string, network: BuildNetwork): DependencyFetcher | null {
  const composer = readComposerJson(sourceDir);
  const packages = composer ? requiredPackages(composer) : [];
  if (!composer || packages.length === 0) return null;
  const mirror = network.composerRepositoryUrl;
  if (!mirror) throw unreachableRegistry(packages);
  const own = ownRepositories(composer);
  if (own.length > 0) {
    throw new ValidationError(
      `composer.json names repositories of its own (${named(own)}); builds fetch packages only from the Composer repository ${COMPOSER_SETTING} names. Publish the packages there and remove "repositories" from composer.json.`,
    );
  }
  return composerPackages(mirror);
}
