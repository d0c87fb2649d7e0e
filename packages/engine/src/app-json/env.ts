// The config vars an app created from app.json starts with. The user's own values win, then the
// values app.json gives, then generated secrets; a required var left without any is reported, so
// the caller can ask for it before anything is made.
import { randomBytes } from "node:crypto";
import { checkConfigKey, checkConfigValue } from "../config-vars/rules.ts";
import type { AppJsonManifest } from "./manifest.ts";

export interface ResolvedAppJsonEnv {
  /** Every config var to set: the user's (including ones app.json does not declare), app.json's and generated ones. */
  values: Record<string, string>;
  /** Keys whose value was generated (`generator: "secret"`). */
  generated: string[];
  /** Required keys that have no value, or only an empty one; they are not in `values`. */
  missing: string[];
  /** Keys whose value is the one app.json gives. */
  fromManifest: string[];
}

/** 32 random bytes as 64 hex characters, as Heroku's `secret` generator makes. */
function secret(): string {
  return randomBytes(32).toString("hex");
}

export function resolveAppJsonEnv(manifest: Pick<AppJsonManifest, "env">, provided: Record<string, string>): ResolvedAppJsonEnv {
  // A Map: keys such as "constructor" or "__proto__" are valid config var names and must stay plain entries.
  const given = new Map<string, string>();
  for (const [key, value] of Object.entries(provided)) given.set(checkConfigKey(key), checkConfigValue(key, value));

  const values = new Map<string, string>();
  const generated: string[] = [];
  const missing: string[] = [];
  const fromManifest: string[] = [];
  for (const v of manifest.env) {
    const own = given.get(v.key);
    given.delete(v.key);
    const value = own ?? v.value ?? (v.generator === "secret" ? secret() : undefined);
    // An empty value is no value for a required var, whoever gave it.
    if (v.required && !value) {
      missing.push(v.key);
      continue;
    }
    if (value === undefined) continue;
    values.set(v.key, value);
    if (own === undefined) (v.value !== undefined ? fromManifest : generated).push(v.key);
  }
  for (const [key, value] of given) values.set(key, value);
  return { values: Object.fromEntries(values), generated, missing, fromManifest };
}
