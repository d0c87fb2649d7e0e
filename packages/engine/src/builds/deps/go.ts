// Go's dependency layer: the modules go.mod requires, downloaded through the Go module proxy by
// the unprivileged user and checked against go.sum (and the checksum database), kept as a module
// proxy tree that the sandboxed build reads offline with GOPROXY=file://… (buildpacks/go.nix).
// When go.mod asks for a newer Go than the platform's, that toolchain comes the same way
// (go-toolchain.ts) and runs the download.
import { existsSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { join, normalize, sep } from "node:path";
import { DEFAULT_VERSIONS } from "../../detect/index.ts";
import type { BuildPlan } from "../../detect/plan.ts";
import { ValidationError } from "../../errors.ts";
import { cacheKey, hashFiles } from "../cache.ts";
import { copyForUnprivileged, unprivilegedDir } from "../workspace.ts";
import { addedSums, type GoRun, moduleProxy, pruneProxyTree, runGo } from "./go-download.ts";
import {
  compareGo,
  describeGo,
  downloadToolchain,
  hostGoVersion,
  neededToolchain,
  parseGoVersion,
  TOOLCHAIN_MARKER,
  toolchainVersion,
  wantedGo,
} from "./go-toolchain.ts";
import type { DependencyFetcher } from "./types.ts";

/** The lines of a go.mod directive, single (`require x v1`) or in a block, in file order. */
function goDirectives(goMod: string, keyword: string): string[] {
  const lines: string[] = [];
  let inBlock = false;
  for (const raw of goMod.replace(/\/\/.*$/gm, "").split("\n")) {
    const line = raw.trim();
    if (inBlock) {
      if (line.startsWith(")")) inBlock = false;
      else if (line) lines.push(line);
    } else if (new RegExp(`^${keyword}\\s*\\($`).test(line)) {
      inBlock = true;
    } else if (line.startsWith(`${keyword} `) || line.startsWith(`${keyword}\t`)) {
      lines.push(line.slice(keyword.length).trim());
    }
  }
  return lines;
}

/** go.mod's replacements by a directory (`=> ./lib`), as those directories. */
function localReplacements(goMod: string): Map<string, string> {
  const local = new Map<string, string>();
  for (const line of goDirectives(goMod, "replace")) {
    const [from, to] = line.split("=>").map((s) => s.trim());
    if (from && to && /^\.\.?\//.test(to)) local.set(from.split(/\s+/)[0] as string, to.split(/\s+/)[0] as string);
  }
  return local;
}

/**
 * The modules a build must download: those go.mod and the modules it replaces by a directory
 * require (only the main module's replacements apply); none with no go.mod or a committed vendor/.
 */
export function unvendoredModules(sourceDir: string): string[] {
  if (!existsSync(join(sourceDir, "go.mod")) || existsSync(join(sourceDir, "vendor", "modules.txt"))) return [];
  const local = localReplacements(readFileSync(join(sourceDir, "go.mod"), "utf8"));
  const required = moduleFiles(sourceDir)
    .filter((f) => f.endsWith("go.mod"))
    .flatMap((f) => goDirectives(readFileSync(join(sourceDir, f), "utf8"), "require").map((line) => line.split(/\s+/)[0] as string));
  return [...new Set(required)].filter((m) => !local.has(m));
}

/** A few modules by name, for a message. */
export const namedModules = (modules: string[]) =>
  modules.slice(0, 3).join(", ") + (modules.length > 3 ? ` and ${modules.length - 3} more` : "");

/**
 * The files `go mod download` reads: go.mod, go.sum, and the go.mod of each directory that
 * replaces a module, when it is a file inside the source (the source is not trusted).
 */
function moduleFiles(sourceDir: string): string[] {
  const files = existsSync(join(sourceDir, "go.sum")) ? ["go.mod", "go.sum"] : ["go.mod"];
  const root = realpathSync(sourceDir);
  for (const dir of localReplacements(readFileSync(join(sourceDir, "go.mod"), "utf8")).values()) {
    const rel = normalize(join(dir, "go.mod"));
    const real = (() => {
      try {
        return realpathSync(join(sourceDir, rel));
      } catch {
        return null;
      }
    })();
    if (real?.startsWith(root + sep) && statSync(real).isFile()) files.push(rel);
  }
  return files;
}

/**
 * Copies go.mod, go.sum and replacement go.mod files where the unprivileged user may update
 * go.sum: go mod download writes the go.mod checksums it had to add there, checked after.
 */
function copyModuleFiles(sourceDir: string, module: string) {
  copyForUnprivileged(sourceDir, module, moduleFiles(sourceDir));
}

/**
 * The layer: `go mod download` into the shared download cache (<cacheRoot>/go, through the
 * module proxy), then again into this build's own module cache from that one (file://), so the
 * layer holds exactly what this go.mod needs; its cache/download is a module proxy tree.
 * `go mod download` adds missing go.mod checksums to go.sum (never a module's own): then the
 * committed go.sum is incomplete and the build stops here. A missing module checksum stops the
 * sandboxed build instead ("missing go.sum entry").
 */
const goModules: DependencyFetcher = {
  key(_plan, sourceDir, toolchainId) {
    const hashes = hashFiles(moduleFiles(sourceDir), (f) => readFileSync(join(sourceDir, f)));
    return cacheKey({ v: 1, stack: "go", toolchainId, arch: process.arch, files: hashes });
  },

  async fetch(_plan, sourceDir, ctx) {
    unprivilegedDir(ctx.workDir);
    const module = join(ctx.workDir, "go-module");
    copyModuleFiles(sourceDir, module);
    const home = join(ctx.workDir, "home");
    unprivilegedDir(home);
    const shared = join(ctx.cacheRoot, "go");
    unprivilegedDir(shared);
    const own = join(ctx.workDir, "go-modcache");
    unprivilegedDir(own);
    const proxy = moduleProxy(ctx.network);
    const fromProxy: GoRun = { home, modCache: shared, proxy, via: proxy };
    // The proxy stays second: modules without a go.sum line are checked against the checksum
    // database again, which may be reachable only through it.
    const fromCache: GoRun = {
      home,
      modCache: own,
      proxy: `file://${join(shared, "cache", "download")},${proxy}`,
      via: "the download cache",
    };

    const goMod = readFileSync(join(sourceDir, "go.mod"), "utf8");
    const host = await hostGoVersion(ctx);
    const needed = neededToolchain(goMod, host);
    const toolchain = needed && toolchainVersion(needed);
    if (needed && toolchain) {
      ctx.log(
        `-----> Go ${describeGo(needed)} (go.mod asks for it; the platform has ${host}): golang.org/toolchain@${toolchain} through ${proxy}`,
      );
      const goBin = await downloadToolchain(ctx, fromProxy, toolchain, describeGo(needed));
      fromProxy.goBin = goBin;
      fromCache.goBin = goBin;
      await runGo(ctx, join(ctx.workDir, "go-toolchain"), { ...fromCache, quiet: true }, [
        "mod",
        "download",
        `golang.org/toolchain@${toolchain}`,
      ]);
    }

    if (unvendoredModules(sourceDir).length > 0) {
      ctx.log(`-----> go mod download (modules through ${proxy}, checked against go.sum)`);
      await runGo(ctx, module, fromProxy, ["mod", "download"]);
      const added = addedSums(readFileSync(join(sourceDir, "go.sum"), "utf8"), readFileSync(join(module, "go.sum"), "utf8"));
      if (added.length > 0) {
        throw new ValidationError(`go.sum has no checksum for ${namedModules(added)}. Run 'go mod tidy' and commit go.sum.`);
      }
      await runGo(ctx, module, fromCache, ["mod", "download"]);
    }
    const tree = join(own, "cache", "download");
    unprivilegedDir(tree);
    pruneProxyTree(tree);
    // Never through a link the unprivileged user could have put there.
    if (toolchain) writeFileSync(join(tree, TOOLCHAIN_MARKER), `${toolchain}\n`, { flag: "wx" });
    return tree;
  },
};

/** True when go.mod may ask for a newer Go than the platform's default (the fetch checks the real one). */
function mayNeedToolchain(goMod: string): boolean {
  const wanted = wantedGo(goMod);
  const platform = parseGoVersion(DEFAULT_VERSIONS.go);
  return wanted !== null && platform !== null && compareGo(wanted, platform) > 0;
}

/**
 * Go's dependency step: nothing when there is no go.mod, or nothing to download (no requirement
 * left after a committed vendor/ and a Go the platform has); else the layer, which needs a go.sum
 * to check the modules against.
 */
export function goDependencies(_plan: BuildPlan, sourceDir: string): DependencyFetcher | null {
  if (!existsSync(join(sourceDir, "go.mod"))) return null;
  const required = unvendoredModules(sourceDir);
  if (required.length > 0 && !existsSync(join(sourceDir, "go.sum"))) {
    throw new ValidationError(
      `go.mod requires ${namedModules(required)}, and there is no go.sum to check the downloads against. Run 'go mod tidy' and commit go.sum.`,
    );
  }
  const needsToolchain = mayNeedToolchain(readFileSync(join(sourceDir, "go.mod"), "utf8"));
  return required.length > 0 || needsToolchain ? goModules : null;
}
