// TOML for pyproject.toml, Pipfile, Cargo.toml and rust-toolchain.toml, read with smol-toml
// (a maintained TOML 1.0 parser) so detection reads a file the way the build's own tools
// (Python's tomllib, Cargo) do. Values come back as plain data: dates and times as their
// ISO text, since detection never computes with them. Anything that is not TOML is a
// TomlError with the line and column.
import { parse, TomlError as SmolTomlError } from "smol-toml";
import { InvalidSourceFileError } from "./errors.ts";
import type { SourceTree } from "./files.ts";

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export class TomlError extends Error {
  constructor(
    problem: string,
    readonly line: number | null = null,
    readonly column: number | null = null,
  ) {
    super(line === null ? problem : `line ${line}${column === null ? "" : `, column ${column}`}: ${problem}`);
  }
}

/** How deep arrays, inline tables and tables may nest; real manifests stay under 10. */
const MAX_DEPTH = 32;

export function parseToml(text: string): TomlTable {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text, { maxDepth: MAX_DEPTH, integersAsBigInt: false });
  } catch (err) {
    if (!(err instanceof SmolTomlError)) throw err;
    // smol-toml's message is "Invalid TOML document: <problem>" and a code block of the source.
    const problem = (err.message.split("\n")[0] ?? "").replace(/^Invalid TOML document:\s*/, "") || "not TOML";
    throw new TomlError(problem, err.line, err.column);
  }
  return plainTable(doc, 0);
}

/** Reads and parses a TOML file of the source; an error naming the file and line when it is not TOML. */
export async function readTomlFile(tree: SourceTree, file: string): Promise<TomlTable> {
  // readText caps the size (MAX_FILE_BYTES) and refuses binary, links out and special files.
  const text = (await tree.readText(file)) ?? "";
  try {
    return parseToml(text);
  } catch (err) {
    if (err instanceof TomlError) throw new InvalidSourceFileError(file, `is not valid TOML (${err.message}).`);
    throw err;
  }
}

/** Reads a nested value by path: tomlGet(doc, "tool", "poetry", "dependencies"). */
export function tomlGet(table: TomlTable, ...keys: string[]): TomlValue | undefined {
  let here: TomlValue | undefined = table;
  for (const key of keys) {
    if (!isTable(here)) return undefined;
    here = Object.hasOwn(here, key) ? here[key] : undefined;
  }
  return here;
}

export function isTable(value: TomlValue | undefined): value is TomlTable {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Tables made of dotted keys (a.b.c…) are not bounded by smol-toml's maxDepth, so the depth
// is checked here too: a hostile file must not overflow the stack.
function plainValue(value: unknown, depth: number): TomlValue {
  if (depth > MAX_DEPTH) throw new TomlError(`tables and values are nested more than ${MAX_DEPTH} deep`);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => plainValue(v, depth + 1));
  if (typeof value === "object" && value !== null) return plainTable(value as Record<string, unknown>, depth + 1);
  if (typeof value === "bigint") return Number(value);
  return value as string | number | boolean;
}

function plainTable(table: Record<string, unknown>, depth: number): TomlTable {
  const out: TomlTable = Object.create(null);
  for (const [key, value] of Object.entries(table)) out[key] = plainValue(value, depth);
  return out;
}
