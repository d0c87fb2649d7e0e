// tsconfig.json, read as TypeScript reads it: JSON with comments and trailing commas (parsed by
// jsonc-parser), compilerOptions merged down the `extends` chain, each path option relative to
// the file that sets it. Only what detection needs: where tsc writes, and its build info file.
import path from "node:path";
import { type ParseError, parse, printParseErrorCode } from "jsonc-parser";
import { InvalidSourceFileError } from "./errors.ts";
import type { SourceTree } from "./files.ts";

export interface TsConfig {
  /** compilerOptions.outDir, relative to the app; null when tsc writes next to the sources. */
  outDir: string | null;
  /** The file that set outDir (tsconfig.json, or one it extends). */
  outDirFrom: string | null;
  /** incremental or composite: tsc keeps a .tsbuildinfo and skips what it thinks is built. */
  incremental: boolean;
  /** Where tsc keeps its build info, relative to the app (TypeScript 5's default rules). */
  buildInfoFile: string | null;
  /** What could not be followed (an extends outside the app or in node_modules). */
  notes: string[];
}

const MAX_EXTENDS = 10;

/** The tsconfig at `file` with what it extends, or null when there is no such file. */
export async function readTsConfig(tree: SourceTree, file = "tsconfig.json"): Promise<TsConfig | null> {
  if (!(await tree.isFile(file))) return null;
  const options: Record<string, { value: unknown; from: string }> = Object.create(null);
  const notes: string[] = [];
  // The chain from tsconfig.json to its furthest base; the nearest file's option wins.
  const chain: string[] = [];
  // Depth first, later bases first: `extends: [a, b]` where b extends c reads b, c, then a.
  const stack = [file];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    // A base reached twice (a diamond, or a loop) is read once.
    if (chain.includes(current)) continue;
    if (chain.length >= MAX_EXTENDS) throw new InvalidSourceFileError(file, `extends more than ${MAX_EXTENDS} files deep.`);
    chain.push(current);
    const json = await readJsonc(tree, current);
    const compilerOptions = isObject(json.compilerOptions) ? json.compilerOptions : {};
    for (const [key, value] of Object.entries(compilerOptions)) if (!(key in options)) options[key] = { value, from: current };
    const bases = typeof json.extends === "string" ? [json.extends] : Array.isArray(json.extends) ? json.extends : [];
    for (const base of bases) {
      if (typeof base !== "string") continue;
      const resolved = await resolveBase(tree, current, base);
      if (resolved === null) notes.push(`${current} extends ${base}, which SkyPanel cannot read from the source`);
      else stack.push(resolved);
    }
  }

  const pathOption = (key: string): { path: string; from: string } | null => {
    const o = options[key];
    if (o === undefined || typeof o.value !== "string" || o.value.trim() === "") return null;
    const joined = path.posix.normalize(path.posix.join(path.posix.dirname(o.from), o.value.trim()));
    if (path.posix.isAbsolute(joined) || joined.startsWith("../")) return null;
    return { path: joined.replace(/\/+$/, ""), from: o.from };
  };
  const outDir = pathOption("outDir");
  const incremental = options.incremental?.value === true || options.composite?.value === true;
  const configName = path.posix.basename(file).replace(/\.json$/, "");
  const buildInfoFile = !incremental
    ? null
    : (pathOption("tsBuildInfoFile")?.path ?? path.posix.join(outDir?.path ?? path.posix.dirname(file), `${configName}.tsbuildinfo`));
  return { outDir: outDir?.path ?? null, outDirFrom: outDir?.from ?? null, incremental, buildInfoFile, notes };
}

async function readJsonc(tree: SourceTree, file: string): Promise<Record<string, unknown>> {
  const errors: ParseError[] = [];
  const value: unknown = parse((await tree.readText(file)) ?? "", errors, { allowTrailingComma: true });
  const first = errors[0];
  if (first)
    throw new InvalidSourceFileError(
      file,
      `is not valid JSON with comments (${printParseErrorCode(first.error)} at offset ${first.offset}).`,
    );
  if (!isObject(value)) throw new InvalidSourceFileError(file, "must be a JSON object.");
  return value;
}

/** A relative `extends` inside the app (with or without .json); null for packages or paths outside. */
async function resolveBase(tree: SourceTree, from: string, base: string): Promise<string | null> {
  if (!base.startsWith("./") && !base.startsWith("../")) return null;
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(from), base));
  if (joined.startsWith("../")) return null;
  for (const candidate of [joined, `${joined}.json`]) if (await tree.isFile(candidate)) return candidate;
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
