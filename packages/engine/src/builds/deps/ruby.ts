// Ruby's dependency layer: the gems Gemfile.lock pins, downloaded from the RubyGems mirror the
// platform's settings name (SKYPANEL_RUBYGEMS_URL; rubygems.org is not reachable from builds) by
// the unprivileged user (exactly the files the lock names; nothing resolves, nothing of a gem runs
// here), kept as a directory of .gem files that buildpacks/ruby.nix installs offline (`bundle install --local`).
import { chownSync, copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BuildPlan } from "../../detect/plan.ts";
import { ValidationError } from "../../errors.ts";
import { run } from "../../process/run.ts";
import { cacheKey, hashFiles } from "../cache.ts";
import { type BuildNetwork, networkEnv } from "../network.ts";
import { asUnprivileged, UNPRIVILEGED, unprivilegedDir } from "../workspace.ts";
import { FETCH_GEMS } from "./ruby-fetch.ts";
import { checkRubyVersion } from "./ruby-version.ts";
import type { DependencyFetcher, FetchContext } from "./types.ts";

/** The gems Gemfile.lock pins (its GEM specs), as name-version; the Gemfile's gem lines when there is no lock. */
export function lockedGems(sourceDir: string): string[] {
  const lock = readText(join(sourceDir, "Gemfile.lock"));
  if (lock === null) {
    return [...(readText(join(sourceDir, "Gemfile")) ?? "").matchAll(/^\s*gem\s+["']([^"']+)["']/gm)].map((m) => m[1] as string);
  }
  return [...lock.matchAll(/^ {4}([A-Za-z0-9_.-]+) \(([^)]+)\)$/gm)].map((m) => `${m[1]}-${m[2]}`);
}

const readText = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : null);

/** The mirror for messages and logs: never its login. */
function mirrorName(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`;
}

/** Runs the gem fetch (ruby-fetch.ts) in `cwd` (a copy of Gemfile and Gemfile.lock) as the unprivileged user. */
async function fetchGems(ctx: FetchContext, cwd: string, mirror: string, dest: string): Promise<string[]> {
  const home = join(ctx.workDir, "home");
  const output: string[] = [];
  const result = await run(...asUnprivileged("ruby", ["-e", FETCH_GEMS, "Gemfile.lock", dest]), {
    cwd,
    env: { ...networkEnv(ctx.network), PATH: ctx.path, HOME: home, BUNDLE_GEMFILE: join(cwd, "Gemfile"), SKYPANEL_MIRROR: mirror },
    onLine: (line) => output.push(line.trim()),
    signal: ctx.signal,
    timeoutMs: ctx.timeoutMs,
  });
  if (result.code !== 0 && !output.some((l) => /^(missing|mismatch|damaged|unreachable) /.test(l))) {
    throw new ValidationError(`Reading Gemfile.lock failed: ${output.slice(-3).join(" ") || `ruby exited ${result.code}`}`);
  }
  return output;
}

/** What the fetch's lines say is wrong, in words for the user (null: nothing). */
function fetchFailure(output: string[], mirror: string): ValidationError | null {
  const line = (word: string) => output.find((l) => l.startsWith(`${word} `))?.slice(word.length + 1);
  const missing = line("missing");
  if (missing) {
    return new ValidationError(
      `The RubyGems mirror ${mirror} (SKYPANEL_RUBYGEMS_URL) does not have ${missing.split(" ").join(", ")}, which Gemfile.lock pins. Add ${missing.includes(" ") ? "them" : "it"} to the mirror, or lock versions the mirror has.`,
    );
  }
  const mismatch = line("mismatch");
  if (mismatch) return new ValidationError(`${mismatch} from ${mirror} does not match the SHA-256 the mirror's own index gives it.`);
  const damaged = line("damaged");
  if (damaged) return new ValidationError(`A gem from ${mirror} is damaged or not the one asked for: ${damaged}`);
  const unreachable = line("unreachable");
  if (unreachable) return new ValidationError(`The RubyGems mirror ${mirror} (SKYPANEL_RUBYGEMS_URL) could not be reached: ${unreachable}`);
  return null;
}

function rubyGems(network: BuildNetwork): DependencyFetcher {
  return {
    key(_plan, sourceDir, toolchainId) {
      const h = hashFiles(["Gemfile", "Gemfile.lock"], (f) => readFileSync(join(sourceDir, f)));
      return cacheKey({ v: 1, stack: "ruby", toolchainId, arch: process.arch, gemfile: h.Gemfile, lock: h["Gemfile.lock"] });
    },

    async fetch(_plan, sourceDir, ctx) {
      const url = network.rubygemsUrl;
      if (!url) throw refusal();
      const mirror = mirrorName(url);
      unprivilegedDir(ctx.workDir);
      const app = join(ctx.workDir, "ruby-app");
      unprivilegedDir(app);
      for (const f of ["Gemfile", "Gemfile.lock"]) {
        copyFileSync(join(sourceDir, f), join(app, f));
        chownSync(join(app, f), UNPRIVILEGED.uid, UNPRIVILEGED.gid);
      }
      for (const d of ["home", "gems"]) unprivilegedDir(join(ctx.workDir, d));

      const gems = join(ctx.workDir, "gems");
      ctx.log(`-----> Gemfile.lock's gems from the RubyGems mirror ${mirror}`);
      const output = await fetchGems(ctx, app, url, gems);
      const failure = fetchFailure(output, mirror);
      if (failure) throw failure;
      const unverified = output.filter((l) => l.startsWith("unverified ")).map((l) => l.slice(11));
      const verified = output.filter((l) => l.startsWith("verified ")).length;
      ctx.log(`       ${verified + unverified.length} gems, each checked against its own checksums and name`);
      if (verified > 0) ctx.log(`       ${verified} checked against the SHA-256 in the mirror's compact index`);
      if (unverified.length > 0) {
        ctx.log(
          ` !     not checked against any published checksum (the mirror serves no compact index for them, and Bundler 2.3's Gemfile.lock has none): ${unverified.join(", ")}`,
        );
      }
      return gems;
    },
  };
}

const refusal = () =>
  new ValidationError(
    "This Ruby app needs gems, and rubygems.org is not reachable from this platform's builds. The platform's operator must set SKYPANEL_RUBYGEMS_URL to a RubyGems mirror (Gemstash, Artifactory…) that builds can reach.",
  );

/**
 * Ruby's dependency step: nothing for a Gemfile without gems; else the gems of Gemfile.lock from
 * the mirror, refused in words when the platform has none or the app commits no Gemfile.lock.
 */
export function rubyDependencies(_plan: BuildPlan, sourceDir: string, network: BuildNetwork): DependencyFetcher | null {
  const gems = lockedGems(sourceDir);
  if (gems.length === 0) return null;
  if (!network.rubygemsUrl) throw refusal();
  const lock = readText(join(sourceDir, "Gemfile.lock"));
  if (lock === null)
    throw new ValidationError("The Gemfile names gems and there is no Gemfile.lock. Run 'bundle lock' and commit Gemfile.lock.");
  if (/^GIT$/m.test(lock)) {
    throw new ValidationError(
      "Gemfile.lock has gems from git repositories, which this platform's builds cannot reach. Publish them to the RubyGems mirror and depend on them by version.",
    );
  }
  return rubyGems(network);
}

/** The Ruby the app asks for (Gemfile's ruby line, else .ruby-version) against the platform's, or a clear refusal. */
export function rubyPlan(plan: BuildPlan, sourceDir: string): BuildPlan {
  const reason = checkRubyVersion(readText(join(sourceDir, "Gemfile")) ?? "", readText(join(sourceDir, ".ruby-version")));
  return { ...plan, reasons: [...plan.reasons, { topic: "ruby", reason }] };
}
