// A Heroku import, run: the plan read before the import started says what to make; values
// (config vars, the slug, the database backup) are read from Heroku again now, with the token,
// and never written anywhere but into the new app.
import { randomUUID } from "node:crypto";
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ADDON_TYPES, type AddonType } from "../addons/index.ts";
import type { NewBuildSource } from "../builds/index.ts";
import type { OutboundPolicy } from "../net/index.ts";
import { createHerokuClient, type HerokuClient } from "./heroku/client.ts";
import { slugToSourceArchive } from "./heroku/slug.ts";
import {
  addDomains,
  build,
  deploy,
  type ImportParts,
  loadDumps,
  makeAddons,
  makeApp,
  type RunState,
  scale,
  setConfig,
  verify,
  type WantedAddon,
} from "./setup.ts";
import type { DnsInstruction, ImportPlan, PlannedAddon } from "./types.ts";

export interface HerokuSettings {
  /** Heroku's Platform API (SKYPANEL_HEROKU_API_URL). */
  apiUrl: string;
  /** Heroku Postgres's API, where backups are listed and their signed URLs made (SKYPANEL_HEROKU_DATA_API_URL). */
  dataApiUrl: string;
  /** Where slug and backup URLs from Heroku's answers may lead (the engine's outbound policy). */
  outbound?: OutboundPolicy;
}

export const DEFAULT_HEROKU: HerokuSettings = { apiUrl: "https://api.heroku.com", dataApiUrl: "https://postgres-api.heroku.com" };

/** Caps on what an import downloads from Heroku: Heroku's own slug limit is 500 MB (1 GB hard). */
export const MAX_SLUG_BYTES = 1024 ** 3;
export const MAX_BACKUP_BYTES = 20 * 1024 ** 3;

export function herokuClient(settings: HerokuSettings, token: string): HerokuClient {
  return createHerokuClient({
    apiUrl: settings.apiUrl,
    dataApiUrl: settings.dataApiUrl,
    token,
    ...(settings.outbound ? { outbound: settings.outbound } : {}),
  });
}

/** SkyPanel's plan for a Heroku plan name: the small ones become hobby, the rest standard. */
export function planFor(type: AddonType, herokuPlan: string): string {
  const tier = herokuPlan.split(":")[1] ?? "";
  const small = /^(hobby|mini|essential|basic|dev)/.test(tier) || tier === "";
  if (type === "postgresql") return small ? "hobby" : "standard";
  return Object.keys(ADDON_TYPES.redis.plans)[0] ?? "hobby";
}

/** The add-ons the plan maps, each attached as its first var on Heroku (DATABASE_URL …). */
export function wantedAddons(plan: ImportPlan): WantedAddon[] {
  const taken = new Set<string>();
  const wanted: WantedAddon[] = [];
  for (const a of plan.addons) {
    if (!a.becomes) continue;
    const as = a.as.find((v) => !taken.has(v)) ?? `${ADDON_TYPES[a.becomes].defaultAs.replace(/_URL$/, "")}_${wanted.length + 1}_URL`;
    taken.add(as);
    wanted.push({ key: a.name, type: a.becomes, plan: planFor(a.becomes, a.plan), as });
  }
  return wanted;
}

export async function runHerokuImport(
  parts: ImportParts,
  s: RunState,
  plan: ImportPlan,
  client: HerokuClient,
  workDir: string,
  uploadsDir: string,
  setDns: (dns: DnsInstruction[]) => Promise<void>,
) {
  const herokuApp = plan.heroku.name;
  const addons = wantedAddons(plan);
  await s.progress.run("app", () => makeApp(parts, s, `Imported from Heroku app ${herokuApp}`));
  await s.progress.run("config", async () => {
    const values = await client.configVars(herokuApp);
    const copy = plan.config.filter((c) => c.action === "copy" && Object.hasOwn(values, c.key));
    return setConfig(parts, s, Object.fromEntries(copy.map((c) => [c.key, String(values[c.key])])));
  });
  await s.progress.run("addons", () => makeAddons(parts, s, addons));
  await s.progress.run("data", () =>
    loadDumps(
      parts,
      s,
      plan.addons
        .filter((a) => a.becomes === "postgresql" && a.data === "backup")
        .map((a) => ({ key: a.name, file: () => backupFile(client, herokuApp, a, workDir, s.signal) })),
    ),
  );
  await s.progress.run("domains", async () => {
    const { outcome, dns } = await addDomains(
      parts,
      s,
      plan.domains.filter((d) => d.action === "add").map((d) => d.hostname),
    );
    await setDns(dns);
    return outcome;
  });
  await s.progress.run("build", async () => {
    const built = await build(parts, s, () => buildSource(client, plan, workDir, uploadsDir, s.signal));
    return `${built.detail} from ${plan.source.kind === "slug" ? `Heroku's slug ${plan.source.slugId}` : plan.source.url}`;
  });
  await s.progress.run("deploy", () =>
    deploy(parts, s, () => parts.deployments.create(s.actor, s.made.appId ?? "", { buildId: s.made.buildId ?? "" })),
  );
  await s.progress.run("formation", () => scale(parts, s, Object.fromEntries(plan.processes.map((p) => [p.type, p.quantity]))));
  const expected = [...plan.config.filter((c) => c.action === "copy").map((c) => c.key), ...addons.map((a) => a.as)];
  await s.progress.run("verify", () =>
    verify(
      parts,
      s,
      expected,
      plan.processes.some((p) => p.type === "web" && p.quantity > 0),
    ),
  );
}

/** The latest Heroku backup of the add-on, downloaded from its signed URL. */
async function backupFile(client: HerokuClient, herokuApp: string, addon: PlannedAddon, workDir: string, signal: AbortSignal) {
  // The add-on's own backups only: an app with two databases must not get the other one's.
  const from = [addon.name, ...addon.as, ...addon.as.map((v) => v.replace(/_URL$/, ""))];
  const backup = await client.latestBackup(herokuApp, from);
  if (!backup)
    throw new Error(`Heroku has no finished backup of ${addon.name} any more; take one (heroku pg:backups:capture) and try again.`);
  const { url } = await client.backupUrl(herokuApp, backup.num);
  mkdirSync(workDir, { recursive: true, mode: 0o700 });
  const file = join(workDir, `${addon.name.replace(/[^a-zA-Z0-9_-]/g, "_")}.dump`);
  await client.download(url, file, { maxBytes: MAX_BACKUP_BYTES, signal });
  return file;
}

/** The code to build: the slug's app/ tree (build output dropped) as an upload, or the git URL given. */
async function buildSource(
  client: HerokuClient,
  plan: ImportPlan,
  workDir: string,
  uploadsDir: string,
  signal: AbortSignal,
): Promise<NewBuildSource> {
  const source = plan.source;
  if (source.kind === "git") return { type: "git", url: source.url, ref: source.ref };
  const slug = await client.slug(plan.heroku.name, source.slugId);
  mkdirSync(workDir, { recursive: true, mode: 0o700 });
  const slugFile = join(workDir, "slug.tgz");
  await client.download(slug.blob.url, slugFile, { maxBytes: MAX_SLUG_BYTES, signal });
  mkdirSync(uploadsDir, { recursive: true, mode: 0o700 });
  // The builds service takes only files in its uploads folder, named as the API names them.
  const uploadPath = join(uploadsDir, `incoming-${randomUUID()}`);
  await slugToSourceArchive(slugFile, uploadPath);
  return { type: "archive", uploadPath, filename: `heroku-slug-${source.slugId}.tar.gz`, bytes: statSync(uploadPath).size };
}
