// How a Heroku app's add-ons and config vars come across. An add-on's vars hold its credentials
// on Heroku; SkyPanel's own add-on makes new ones, so those vars are never copied.
import { ValidationError } from "../../errors.ts";
import type { PlannedAddon, PlannedConfigVar } from "../types.ts";
import type { HerokuAddon, HerokuAddonAttachment, HerokuConfigVars, HerokuTransfer } from "./api-types.ts";
import type { HerokuClient } from "./client.ts";

/** Heroku services with a SkyPanel counterpart. heroku-keyvalue is heroku-redis renamed. */
const COUNTERPARTS: Record<string, "postgresql" | "redis"> = {
  "heroku-postgresql": "postgresql",
  "heroku-redis": "redis",
  "heroku-keyvalue": "redis",
};

export interface AddonsPlan {
  addons: PlannedAddon[];
  config: PlannedConfigVar[];
  unsupported: { what: string; why: string }[];
  /** The backup each add-on's data comes from, by add-on name, for the plan's sentences. */
  backups: Map<string, HerokuTransfer>;
}

/**
 * The vars each add-on owns on this app: those Heroku lists for it, `<ATTACHMENT>_URL` for each
 * attachment, and the same suffixes under every other attachment name (REDIS_TLS_URL attached
 * again as CACHE gives CACHE_TLS_URL).
 */
export function ownedVars(addon: HerokuAddon, attachments: HerokuAddonAttachment[]): Set<string> {
  const names = attachments.filter((a) => a.addon.id === addon.id).map((a) => a.name);
  const owned = new Set(addon.config_vars);
  const suffixes = new Set(["_URL"]);
  for (const v of addon.config_vars) for (const n of names) if (v.startsWith(`${n}_`)) suffixes.add(v.slice(n.length));
  for (const n of names) for (const s of suffixes) owned.add(`${n}${s}`);
  return owned;
}

export async function planAddons(
  client: HerokuClient,
  herokuApp: string,
  found: { addons: HerokuAddon[]; attachments: HerokuAddonAttachment[]; config: HerokuConfigVars },
  addonData: readonly string[] | undefined,
): Promise<AddonsPlan> {
  const { addons, attachments, config } = found;
  for (const name of addonData ?? [])
    if (!addons.some((a) => a.name === name))
      throw new ValidationError(
        `The Heroku app has no add-on named "${name}" to bring data from; its add-ons are: ${addons.map((a) => a.name).join(", ") || "none"}.`,
      );

  const keys = Object.keys(config)
    .filter((k) => config[k] !== null)
    .sort();
  const owner = new Map<string, string>();
  const plan: AddonsPlan = { addons: [], config: [], unsupported: [], backups: new Map() };
  for (const addon of addons) {
    const owned = ownedVars(addon, attachments);
    for (const key of keys) if (owned.has(key) && !owner.has(key)) owner.set(key, addon.name);
    const as = keys.filter((k) => owned.has(k));
    const service = addon.addon_service.name;
    const becomes = COUNTERPARTS[service] ?? null;
    const base = { name: addon.name, service, plan: addon.plan.name, becomes, as };
    if (becomes === null) {
      plan.addons.push({ ...base, data: "none", note: `SkyPanel has no ${service} add-on; it is not brought over.` });
      plan.unsupported.push({
        what: `add-on ${addon.name} (${addon.plan.name})`,
        why: `SkyPanel has no ${service} add-on. Its config vars${as.length ? ` (${as.join(", ")})` : ""} are not copied; set them by hand if the app should keep using the service.`,
      });
      continue;
    }
    const asked = addonData === undefined ? becomes === "postgresql" : addonData.includes(addon.name);
    if (becomes === "redis") {
      const note = "Becomes a SkyPanel Redis, empty: Redis data is not migrated (Heroku offers no Redis backup to download).";
      plan.addons.push({ ...base, data: asked ? "unavailable" : "none", note });
      continue;
    }
    if (!asked) {
      plan.addons.push({ ...base, data: "none", note: "Becomes a SkyPanel PostgreSQL database, empty: its data was not asked for." });
      continue;
    }
    const from = [addon.name, ...attachments.filter((a) => a.addon.id === addon.id).flatMap((a) => [a.name, `${a.name}_URL`])];
    const backup = await client.latestBackup(herokuApp, from);
    if (backup === null) {
      const capture = `heroku pg:backups:capture ${addon.name} -a ${herokuApp}`;
      const note = `Becomes a SkyPanel PostgreSQL database, empty: Heroku has no finished backup of it. Take one (${capture}) and plan again to bring its data.`;
      plan.addons.push({ ...base, data: "unavailable", note });
      continue;
    }
    plan.backups.set(addon.name, backup);
    const when = backup.finished_at ? ` (finished ${backup.finished_at})` : "";
    plan.addons.push({
      ...base,
      data: "backup",
      note: `Becomes a SkyPanel PostgreSQL database, restored from Heroku backup b${pad(backup.num)}${when}; changes made on Heroku after it are not included.`,
    });
  }
  plan.config = keys.map((key) => {
    const addon = owner.get(key);
    return addon === undefined ? { key, action: "copy" } : { key, action: "addon", addon };
  });
  return plan;
}

/** Heroku names backups b001, b042, b1234. */
export function pad(num: number): string {
  return String(num).padStart(3, "0");
}
