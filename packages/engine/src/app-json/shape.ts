// Reading values out of a parsed app.json. Every refusal names where in the file the value is,
// so the user reads `app.json env.SECRET_KEY.generator: only "secret" is supported.`
import { hasControlCharacters } from "../detect/shell.ts";
import { ValidationError } from "../errors.ts";

/** app.json breaks a rule; `path` says where in it (`env.SECRET_KEY.generator`, "" for the whole file). */
export class InvalidAppJsonError extends ValidationError {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(path ? `app.json ${path}: ${problem}` : `app.json: ${problem}`, { file: "app.json", path });
  }
}

export type JsonObject = Record<string, unknown>;

/** `parent.key`, `parent[2]`, or `parent["odd key"]` when the key would not read plainly. */
export function child(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  if (/^[A-Za-z0-9_-]{1,80}$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)}]`;
}

/** What a JSON value is, for "must be X, not Y". */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "boolean") return value ? "true" : "false";
  return `a ${typeof value}`;
}

export function wrongType(path: string, expected: string, value: unknown): InvalidAppJsonError {
  if (value === undefined) return new InvalidAppJsonError(path, `must be ${expected}; it is missing.`);
  return new InvalidAppJsonError(path, `must be ${expected}, not ${kindOf(value)}.`);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function objectAt(value: unknown, path: string, expected = "an object"): JsonObject {
  if (!isObject(value)) throw wrongType(path, expected, value);
  return value;
}

/**
 * An optional one-line text (a name, a size, a URL), undefined when absent. Control characters
 * are refused: the text is shown in terminals, where an escape sequence would rewrite the screen.
 */
export function optionalText(obj: JsonObject, key: string, path: string, { multiline = false } = {}): string | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  const at = child(path, key);
  if (typeof value !== "string") throw wrongType(at, "a string", value);
  if (hasControlCharacters(multiline ? value.replace(/\r?\n/g, " ") : value)) {
    throw new InvalidAppJsonError(at, multiline ? "must not contain control characters." : "must be one line without control characters.");
  }
  return value;
}

/** Runs a platform rule (config var names, health check settings…) and names the place in app.json when it refuses. */
export function checkedAt<T>(path: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof ValidationError && !(err instanceof InvalidAppJsonError)) throw new InvalidAppJsonError(path, err.message);
    throw err;
  }
}
