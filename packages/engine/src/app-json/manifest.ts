// Heroku's app.json (https://devcenter.heroku.com/articles/app-json-schema), read from a source
// the platform does not trust, into what SkyPanel honours when it creates an app from it: config
// vars, formation, add-ons, the postdeploy script, build hints, and health checks (a SkyPanel
// extension). Anything it cannot honour is refused by its place in the file, never dropped in
// silence; top-level keys SkyPanel has no use for (keywords, logo, environments…) are ignored.
import { checkConfigKey, checkConfigValue, MAX_VARS_PER_CHANGE } from "../config-vars/rules.ts";
import { MAX_PROCESS_TYPES, PROCESS_TYPE_RULE } from "../detect/procfile.ts";
import { defaultQuantity, MAX_QUANTITY } from "../formation/index.ts";
import { checkHealthCheckSettings, type HealthCheckSettings, InvalidHealthCheckError } from "../health/settings.ts";
import { formatBytes } from "../sources/limits.ts";
import { type AppJsonAddon, parseAddons } from "./addons.ts";
import { checkedAt, child, InvalidAppJsonError, type JsonObject, objectAt, optionalText, wrongType } from "./shape.ts";

/** The most of app.json SkyPanel reads, as detection does (detect/app-json.ts). */
export const MAX_APP_JSON_BYTES = 256 * 1024;
/** A one-off's own limit (one-offs/service.ts): postdeploy runs as one. */
const MAX_POSTDEPLOY_BYTES = 16 * 1024;

export interface AppJsonEnvVar {
  key: string;
  /** The value app.json gives; the user's own value wins over it. */
  value?: string;
  /** Heroku's default is true: the app cannot be created until the var has a value. */
  required: boolean;
  description?: string;
  /** "secret": SkyPanel makes a random value when none is given. */
  generator?: "secret";
}

export interface AppJsonProcess {
  type: string;
  quantity: number;
  /** Heroku's dyno size ("standard-1x"), shown for comparison; SkyPanel sizes by its own limits. */
  size?: string;
}

export type { AppJsonAddon };

export interface AppJsonManifest {
  name?: string;
  description?: string;
  env: AppJsonEnvVar[];
  formation: AppJsonProcess[];
  addons: AppJsonAddon[];
  /** A command run once as a one-off after the app's first deploy. */
  postdeploy: string | null;
  /** Buildpack URLs or registry names, in order; hints to detection only. */
  buildpacks: string[];
  stack: string | null;
  /** Health check settings by process type. */
  healthchecks: Record<string, HealthCheckSettings>;
}

/** Parses and checks app.json's text; throws InvalidAppJsonError (a ValidationError) naming the place at fault. */
export function parseAppJson(text: string): AppJsonManifest {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_APP_JSON_BYTES) {
    throw new InvalidAppJsonError("", `is ${formatBytes(bytes)}, more than the ${formatBytes(MAX_APP_JSON_BYTES)} SkyPanel reads.`);
  }
  const doc = objectAt(parseJson(text), "", "a JSON object { … }");
  const manifest: AppJsonManifest = {
    env: parseEnv(doc.env),
    formation: parseFormation(doc.formation),
    addons: parseAddons(doc.addons),
    postdeploy: parsePostdeploy(doc.scripts),
    buildpacks: parseBuildpacks(doc.buildpacks),
    stack: optionalText(doc, "stack", "") ?? null,
    healthchecks: parseHealthchecks(doc.healthchecks),
  };
  const name = optionalText(doc, "name", "");
  const description = optionalText(doc, "description", "", { multiline: true });
  if (name !== undefined) manifest.name = name;
  if (description !== undefined) manifest.description = description;
  return manifest;
}

function parseJson(text: string): unknown {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (err) {
    const message = (err as Error).message;
    const at = /at position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : body.length;
    const before = body.slice(0, offset).split(/\r\n|\r|\n/);
    const where = `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
    const problem = message
      .replace(/ in JSON at position \d+.*$/s, "")
      .replace(/^Unexpected end of JSON input$/, "the text ends too early");
    throw new InvalidAppJsonError("", `is not valid JSON: ${problem} at ${where}.`);
  }
}

function parseEnv(value: unknown): AppJsonEnvVar[] {
  if (value === undefined) return [];
  const env = objectAt(value, "env", 'an object of config vars, e.g. { "SECRET_KEY": { "generator": "secret" } }');
  const keys = Object.keys(env);
  if (keys.length > MAX_VARS_PER_CHANGE) {
    throw new InvalidAppJsonError("env", `declares ${keys.length} config vars; an app is created with at most ${MAX_VARS_PER_CHANGE}.`);
  }
  return keys.map((key) => parseEnvVar(key, env[key], child("env", key)));
}

function parseEnvVar(key: string, entry: unknown, path: string): AppJsonEnvVar {
  checkedAt(path, () => checkConfigKey(key));
  // A bare string is Heroku's shorthand for { "value": … }.
  if (typeof entry === "string") return { key, value: checkValue(key, entry, path), required: true };
  const o = objectAt(entry, path, 'a string value or an object { "value", "description", "required", "generator" }');
  const envVar: AppJsonEnvVar = { key, required: true };
  if (o.value !== undefined) envVar.value = checkValue(key, o.value, child(path, "value"));
  if (o.required !== undefined) {
    if (typeof o.required !== "boolean") throw wrongType(child(path, "required"), "true or false", o.required);
    envVar.required = o.required;
  }
  const description = optionalText(o, "description", path, { multiline: true });
  if (description !== undefined) envVar.description = description;
  if (o.generator !== undefined) {
    if (o.generator !== "secret") throw new InvalidAppJsonError(child(path, "generator"), 'only "secret" is supported.');
    envVar.generator = "secret";
  }
  return envVar;
}

function checkValue(key: string, value: unknown, path: string): string {
  // Environment values are text; Heroku refuses `"value": 5` too.
  if (typeof value !== "string") throw wrongType(path, `a string (write "${String(value)}" in quotes)`, value);
  return checkedAt(path, () => checkConfigValue(key, value));
}

function checkProcessType(type: string, path: string) {
  if (!PROCESS_TYPE_RULE.test(type)) {
    throw new InvalidAppJsonError(
      path,
      "is not a valid process type name: 1 to 63 letters, digits, dashes or underscores, as in a Procfile.",
    );
  }
}

/** The entries of an object keyed by process type (`formation`, `healthchecks`), their names checked. */
function processTypes(value: JsonObject, path: string): [string, unknown, string][] {
  const entries = Object.entries(value);
  if (entries.length > MAX_PROCESS_TYPES) {
    throw new InvalidAppJsonError(path, `names ${entries.length} process types; an app may have at most ${MAX_PROCESS_TYPES}.`);
  }
  return entries.map(([type, entry]) => {
    const at = child(path, type);
    checkProcessType(type, at);
    return [type, entry, at];
  });
}

function parseFormation(value: unknown): AppJsonProcess[] {
  if (value === undefined) return [];
  const formation = objectAt(value, "formation", 'an object of process types, e.g. { "web": { "quantity": 1 } }');
  return processTypes(formation, "formation").map(([type, entry, path]) => {
    const o = objectAt(entry, path, 'an object { "quantity", "size" }');
    const q = o.quantity;
    if (q !== undefined && (typeof q !== "number" || !Number.isInteger(q) || q < 0 || q > MAX_QUANTITY)) {
      throw new InvalidAppJsonError(child(path, "quantity"), `must be a whole number from 0 to ${MAX_QUANTITY}.`);
    }
    const process: AppJsonProcess = { type, quantity: q ?? defaultQuantity(type) };
    const size = optionalText(o, "size", path);
    if (size !== undefined) process.size = size;
    return process;
  });
}

function parseHealthchecks(value: unknown): Record<string, HealthCheckSettings> {
  if (value === undefined) return {};
  const checks = objectAt(value, "healthchecks", 'an object of process types, e.g. { "web": { "path": "/health" } }');
  // A Map, then Object.fromEntries: a process type named "__proto__" stays an ordinary entry.
  const byType = new Map<string, HealthCheckSettings>();
  for (const [type, entry, path] of processTypes(checks, "healthchecks")) {
    try {
      byType.set(type, checkHealthCheckSettings(entry));
    } catch (err) {
      if (!(err instanceof InvalidHealthCheckError)) throw err;
      // The checker's message starts "Health check <setting>: "; the path says both here.
      const problem = err.message.replace(`Health check ${err.setting}: `, "");
      throw new InvalidAppJsonError(err.setting === "settings" ? path : child(path, err.setting), problem);
    }
  }
  return Object.fromEntries(byType);
}

function parsePostdeploy(value: unknown): string | null {
  if (value === undefined) return null;
  const scripts = objectAt(value, "scripts", 'an object, e.g. { "postdeploy": "bin/setup" }');
  let path = child("scripts", "postdeploy");
  let command = scripts.postdeploy;
  if (command === undefined) return null;
  // Heroku also takes { "command", "size" }; the size is Heroku's dyno size, which SkyPanel does not use.
  if (typeof command !== "string") {
    const o = objectAt(command, path, 'a command, or an object { "command", "size" }');
    optionalText(o, "size", path);
    path = child(path, "command");
    command = o.command;
  }
  if (typeof command !== "string") throw wrongType(path, "a command", command);
  const trimmed = command.trim();
  if (!trimmed) throw new InvalidAppJsonError(path, "is empty; give the command to run once after the first deploy.");
  if (Buffer.byteLength(trimmed, "utf8") > MAX_POSTDEPLOY_BYTES || trimmed.includes("\0")) {
    throw new InvalidAppJsonError(path, `must be at most ${formatBytes(MAX_POSTDEPLOY_BYTES)}, without NUL bytes.`);
  }
  return trimmed;
}

function parseBuildpacks(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw wrongType("buildpacks", 'an array of { "url": … }', value);
  return value.map((item, i) => {
    const path = child("buildpacks", i);
    const url = optionalText(objectAt(item, path, 'an object { "url": … }'), "url", path);
    if (!url) throw new InvalidAppJsonError(child(path, "url"), 'is required, e.g. "heroku/nodejs".');
    return url;
  });
}
