// package.json, read and checked: only the fields detection uses, each of the type npm
// itself requires, so a malformed manifest fails here with its file and field named.
import path from "node:path";
import { InvalidSourceFileError } from "./errors.ts";
import type { SourceTree } from "./files.ts";
import { hasControlCharacters, preview } from "./shell.ts";

export interface PackageJson {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engineNode: string | null;
  main: string | null;
  packageManager: string | null;
}

const FILE = "package.json";

export async function readPackageJson(tree: SourceTree): Promise<PackageJson> {
  const text = (await tree.readText(FILE)) ?? "";
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InvalidSourceFileError(FILE, `is not valid JSON (${(err as Error).message}).`);
  }
  if (!isObject(raw)) throw new InvalidSourceFileError(FILE, "must be a JSON object.");
  const engines = optionalObject(raw, "engines");
  const main = optionalString(raw, "main");
  return {
    scripts: stringMap(raw, "scripts"),
    dependencies: stringMap(raw, "dependencies"),
    devDependencies: stringMap(raw, "devDependencies"),
    engineNode: engines ? optionalString(engines, "node", "engines.node") : null,
    main: main === null ? null : checkMain(main),
    packageManager: optionalString(raw, "packageManager"),
  };
}

/** `main` is run as `node <main>`, so it must stay a path inside the app. */
function checkMain(main: string): string {
  const normal = path.posix.normalize(main.trim());
  if (
    normal === "" ||
    normal === "." ||
    normal === ".." ||
    path.posix.isAbsolute(normal) ||
    normal.startsWith("../") ||
    hasControlCharacters(normal)
  ) {
    throw new InvalidSourceFileError(FILE, `"main" is ${preview(main)}; it must be a file path inside the app.`);
  }
  return normal;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalObject(obj: Record<string, unknown>, key: string): Record<string, unknown> | null {
  const value = obj[key];
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw new InvalidSourceFileError(FILE, `"${key}" must be an object.`);
  return value;
}

function optionalString(obj: Record<string, unknown>, key: string, label = key): string | null {
  const value = Object.hasOwn(obj, key) ? obj[key] : undefined;
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw new InvalidSourceFileError(FILE, `"${label}" must be a string.`);
  return value;
}

function stringMap(obj: Record<string, unknown>, key: string): Record<string, string> {
  const value = optionalObject(obj, key);
  const out: Record<string, string> = Object.create(null);
  for (const [name, v] of Object.entries(value ?? {})) {
    if (typeof v !== "string") throw new InvalidSourceFileError(FILE, `"${key}.${name}" must be a string.`);
    out[name] = v;
  }
  return out;
}
