// TypeScript in a Node.js app: the start command runs JavaScript that tsc writes (outDir, maybe
// set in a tsconfig that tsconfig.json extends), so the plan must build before it starts, and
// an incremental build must not be fooled by a stale .tsbuildinfo committed with the source.
import path from "node:path";
import type { SourceTree } from "./files.ts";
import type { PackageJson } from "./package-json.ts";
import { shellQuote } from "./shell.ts";
import { reason, type StackDetection } from "./stack.ts";
import { readTsConfig } from "./tsconfig.ts";

/** node's options that take a value as the next word. */
const VALUE_OPTIONS = new Set(["-r", "--require", "--import", "--loader", "--experimental-loader", "--env-file", "--conditions", "-C"]);

export async function typescriptBuild(tree: SourceTree, pkg: PackageJson, d: StackDetection): Promise<void> {
  const typescript = "typescript" in pkg.dependencies || "typescript" in pkg.devDependencies || (await tree.isFile("tsconfig.json"));
  if (!typescript) return;
  if (d.build === null) {
    d.reasons.push(reason("typescript", "TypeScript found, but there is no build script to compile it."));
    d.warnings.push('This is a TypeScript app without a build script: add one (e.g. "build": "tsc") or start it with a TypeScript runner.');
    return;
  }
  const config = await readTsConfig(tree);
  const target = startTarget(pkg, d.web);
  const outDir = config?.outDir ?? null;
  const built = target !== null && outDir !== null && (target === outDir || target.startsWith(`${outDir}/`));
  const tsc = /(^|[\s;&|(])tsc(\s|$)/.test(pkg.scripts.build ?? "");
  if (target !== null && built && !(await tree.isFile(target))) {
    const where = config?.outDirFrom === "tsconfig.json" ? "tsconfig.json" : `${config?.outDirFrom}, which tsconfig.json extends`;
    d.reasons.push(
      reason(
        "typescript",
        `The app starts from ${target}, which is not in the source: the build script${tsc ? "'s tsc" : ""} writes it into ${outDir}/ (outDir in ${where}), so the build runs before the app starts.`,
      ),
    );
  } else if (target !== null && tsc && outDir !== null && !(await tree.isFile(target))) {
    d.reasons.push(reason("typescript", "TypeScript found; the build script compiles it."));
    d.warnings.push(
      `The app starts from ${target}, but tsc writes into ${outDir}/ (outDir in ${config?.outDirFrom}): ${target} will not exist. Make the start command and outDir agree.`,
    );
  } else {
    d.reasons.push(reason("typescript", "TypeScript found; the build script compiles it."));
  }
  for (const note of config?.notes ?? []) d.warnings.push(`${note}; its compiler options are not taken into account.`);

  // tsc --incremental trusts its build info over the files on disk: with a committed
  // .tsbuildinfo and no committed output, it "knows" everything is built and writes nothing.
  const info = config?.buildInfoFile ?? null;
  if (info !== null && (await tree.isFile(info)) && !(outDir !== null && (await tree.has(outDir)))) {
    d.build = `rm -f ${shellQuote(info)} && ${d.build}`;
    d.reasons.push(
      reason(
        "build",
        `${info} is in the source but ${outDir ?? "the compiled output"}${outDir ? "/" : ""} is not: with incremental builds tsc would take the app as already built and write nothing, so the build removes ${info} first.`,
      ),
    );
  }
}

/** The JavaScript file the web command runs: the start script's or the web command's `node [options] <file>`. */
function startTarget(pkg: PackageJson, web: string | null): string | null {
  const command = web !== null && / start$/.test(web) ? (pkg.scripts.start ?? "") : (web ?? "");
  // Words up to the first shell operator; VAR=value assignments may come before node.
  const words = (command.split(/[;&|<>]/)[0] ?? "").trim().split(/\s+/);
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] as string)) i++;
  if (words[i] !== "node") return null;
  for (i++; i < words.length; i++) {
    const word = words[i] as string;
    if (VALUE_OPTIONS.has(word)) i++;
    else if (!word.startsWith("-")) {
      const normal = path.posix.normalize(word.replace(/^(['"])(.*)\1$/, "$2"));
      return normal.startsWith("../") || path.posix.isAbsolute(normal) ? null : normal;
    }
  }
  return null;
}
