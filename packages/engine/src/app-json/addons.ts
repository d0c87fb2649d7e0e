// app.json's `addons`: Heroku add-ons by name ("heroku-postgresql:essential-0") or as objects
// ({ plan, as, options }). SkyPanel provisions its own counterpart of Heroku's data services;
// any other add-on is kept with `becomes: null` so the caller can tell the user it is skipped.
import type { AddonType } from "../addons/index.ts";
import { checkConfigKey } from "../config-vars/rules.ts";
import { checkedAt, child, InvalidAppJsonError, isObject, wrongType } from "./shape.ts";

export interface AppJsonAddon {
  /** Heroku's add-on service, e.g. "heroku-postgresql". */
  service: string;
  /** Heroku's plan within the service, e.g. "essential-0"; null for the service's default. */
  plan: string | null;
  /** Heroku's attachment name (its config var is `<as>_URL`); null for the service's default. */
  as: string | null;
  /** The SkyPanel add-on type it becomes; null when SkyPanel has none. */
  becomes: AddonType | null;
}

// A Map, not an object: a service named "constructor" must not find Object's.
const HEROKU_SERVICES = new Map<string, AddonType>([
  ["heroku-postgresql", "postgresql"],
  ["heroku-redis", "redis"],
  // Heroku's new name for Redis (2024).
  ["heroku-keyvalue", "redis"],
]);

/** The SkyPanel add-on type a Heroku add-on service becomes, or null when there is none. */
export function addonTypeFor(service: string): AddonType | null {
  return HEROKU_SERVICES.get(service) ?? null;
}

const SERVICE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const PLAN = /^[a-z0-9][a-z0-9._-]{0,62}$/i;
const SHAPES = 'an add-on name like "heroku-postgresql" or "heroku-postgresql:essential-0", or an object { "plan", "as", "options" }';

export function parseAddons(value: unknown): AppJsonAddon[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw wrongType("addons", "an array of add-ons", value);
  const addons = value.map((item, i) => parseAddon(item, child("addons", i)));
  const firstAs = new Map<string, number>();
  addons.forEach((addon, i) => {
    if (addon.as === null) return;
    const first = firstAs.get(addon.as);
    if (first !== undefined) {
      throw new InvalidAppJsonError(
        child(child("addons", i), "as"),
        `${addon.as} is already the name of addons[${first}]; each add-on needs its own.`,
      );
    }
    firstAs.set(addon.as, i);
  });
  return addons;
}

function parseAddon(item: unknown, path: string): AppJsonAddon {
  if (typeof item === "string") return { ...parsePlan(item, path), as: null };
  if (!isObject(item)) throw wrongType(path, SHAPES, item);
  if (typeof item.plan !== "string") throw wrongType(child(path, "plan"), 'an add-on name like "heroku-postgresql:essential-0"', item.plan);
  let as: string | null = null;
  if (item.as !== undefined) {
    const at = child(path, "as");
    if (typeof item.as !== "string") throw wrongType(at, "a string", item.as);
    // The attachment name prefixes config var names, so it follows their rule.
    as = checkedAt(at, () => checkConfigKey(item.as as string));
  }
  // Options tune Heroku's own provisioning (a PostgreSQL version…); SkyPanel's add-ons take none.
  if (item.options !== undefined && !isObject(item.options)) throw wrongType(child(path, "options"), "an object", item.options);
  return { ...parsePlan(item.plan, child(path, "plan")), as };
}

function parsePlan(text: string, path: string): Omit<AppJsonAddon, "as"> {
  const parts = text.split(":");
  const [service = "", plan] = parts;
  if (parts.length > 2 || !SERVICE.test(service) || (plan !== undefined && !PLAN.test(plan))) {
    const shown = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
    throw new InvalidAppJsonError(
      path,
      `${shown} is not an add-on name; write the service, optionally a colon and a plan, e.g. "heroku-postgresql:essential-0".`,
    );
  }
  return { service, plan: plan ?? null, becomes: addonTypeFor(service) };
}
