// The steps every kind of import shares: make the app, its config, add-ons, domains, deploy,
// scale, run postdeploy, verify. Each records what it made in `made` before it goes on, so a
// control plane that restarts mid-way resumes without making anything twice, and a rollback
// knows what to remove.
import type { Database } from "@skypanel/db";
import { findBuild, findDeployment, findOneOff, updateImport } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Addons, AddonType } from "../addons/index.ts";
import type { Apps } from "../apps/index.ts";
import type { Builds, NewBuildSource } from "../builds/index.ts";
import type { ConfigVars } from "../config-vars/index.ts";
import type { Deployments } from "../deploy/index.ts";
import type { Domains } from "../domains/index.ts";
import { DomainTakenError, EngineError } from "../errors.ts";
import type { FormationService, ScaleChange } from "../formation/index.ts";
import { probeHttp } from "../health/http.ts";
import type { OneOffs } from "../one-offs/index.ts";
import type { Progress } from "./progress.ts";
import type { DnsInstruction } from "./types.ts";

/** The engine areas an import drives. */
export interface ImportParts {
  db: Database;
  apps: Apps;
  config: ConfigVars;
  addons: Addons;
  domains: Domains;
  builds: Builds;
  deployments: Deployments;
  formation: FormationService;
  oneOffs: OneOffs;
  /** Where apps answer through the router, or null when this platform runs no router. */
  router: { host: string; port: number; baseDomain: string } | null;
}

/** What an import has made so far (kept on its row as `made`). */
export interface Made {
  appId?: string;
  /** Add-ons made, by the key the plan names them with (a Heroku add-on's name, or the var it is attached as). */
  addons?: Record<string, string>;
  /** Add-ons whose data was loaded. */
  loaded?: string[];
  domains?: string[];
  buildId?: string;
  deploymentId?: string;
  postdeployId?: string;
}

export interface RunState {
  actor: Actor;
  importId: string;
  appName: string;
  teamId: string | null;
  made: Made;
  progress: Progress;
  signal: AbortSignal;
  /** Where `made` is kept (default: the import's row); review apps keep it on theirs. */
  save?: (made: Made) => Promise<void>;
}

const POLL_MS = 500;

export async function saveMade(db: Database, s: RunState) {
  if (s.save) return s.save({ ...s.made });
  await updateImport(db, s.importId, { made: { ...s.made }, appId: s.made.appId ?? null });
}

function appIdOf(s: RunState): string {
  if (!s.made.appId) throw new Error("the import's app was not made yet");
  return s.made.appId;
}

/** Makes the app; on resume, the one made before (if a user has not deleted it since). */
export async function makeApp(parts: ImportParts, s: RunState, description: string): Promise<string> {
  if (s.made.appId) {
    const existing = await parts.apps.get(s.actor, s.made.appId).catch(() => null);
    if (existing) return `app ${existing.name} (made earlier)`;
    throw new EngineError("CONFLICT", `The app ${s.appName} this import made is gone; nothing more was done.`);
  }
  const app = await parts.apps.create(s.actor, { name: s.appName, teamId: s.teamId ?? undefined, description });
  s.made.appId = app.id;
  await saveMade(parts.db, s);
  return `app ${app.name} created`;
}

/** Sets config vars in one release; the detail names keys, never values. */
export async function setConfig(parts: ImportParts, s: RunState, vars: Record<string, string>) {
  const keys = Object.keys(vars);
  if (keys.length === 0) return { skipped: "no config vars to copy" };
  await parts.config.set(s.actor, appIdOf(s), vars);
  return `${keys.length} config var${keys.length === 1 ? "" : "s"} set: ${keys.join(", ")}`;
}

export interface WantedAddon {
  /** Names this add-on in `made` and in details (a Heroku add-on's name, or its var). */
  key: string;
  type: AddonType;
  plan: string;
  as: string;
}

export async function makeAddons(parts: ImportParts, s: RunState, wanted: WantedAddon[]) {
  if (wanted.length === 0) return { skipped: "no add-ons to make" };
  s.made.addons ??= {};
  for (const w of wanted) {
    if (s.made.addons[w.key]) continue;
    const addon = await parts.addons.create(s.actor, appIdOf(s), { type: w.type, plan: w.plan, as: w.as });
    s.made.addons[w.key] = addon.id;
    await saveMade(parts.db, s);
  }
  return wanted.map((w) => `${w.key} → ${w.type} (${w.plan}) as ${w.as}`).join("; ");
}

/** Loads each PostgreSQL dump into its add-on (its data replaced, in one transaction). */
export async function loadDumps(parts: ImportParts, s: RunState, dumps: { key: string; file: () => Promise<string> }[]) {
  if (dumps.length === 0) return { skipped: "no add-on data to bring" };
  s.made.loaded ??= [];
  for (const d of dumps) {
    if (s.made.loaded.includes(d.key)) continue;
    const addonId = s.made.addons?.[d.key];
    if (!addonId) throw new Error(`add-on ${d.key} was not made, so its data has nowhere to go`);
    await parts.addons.loadDump(s.actor, appIdOf(s), addonId, await d.file());
    s.made.loaded.push(d.key);
    await saveMade(parts.db, s);
  }
  return `data restored into ${dumps.map((d) => d.key).join(", ")}`;
}

/**
 * Adds the custom domains. One another app here already has is not taken from it: it is left out
 * and named in the detail (an export imported again on the platform it came from keeps its domains
 * on the original app).
 */
export async function addDomains(
  parts: ImportParts,
  s: RunState,
  hostnames: string[],
): Promise<{ outcome: string | { skipped: string }; dns: DnsInstruction[] }> {
  if (hostnames.length === 0) return { outcome: { skipped: "no custom domains" }, dns: [] };
  s.made.domains ??= [];
  const taken: string[] = [];
  for (const hostname of hostnames) {
    if (s.made.domains.includes(hostname)) continue;
    try {
      await parts.domains.add(s.actor, appIdOf(s), hostname);
    } catch (err) {
      if (!(err instanceof DomainTakenError)) throw err;
      taken.push(hostname);
      continue;
    }
    s.made.domains.push(hostname);
    await saveMade(parts.db, s);
  }
  const added = (await parts.domains.list(s.actor, appIdOf(s))).filter((d) => s.made.domains?.includes(d.hostname));
  const dns: DnsInstruction[] = added.flatMap((d) =>
    d.dnsTarget ? [{ hostname: d.hostname, type: "CNAME" as const, target: d.dnsTarget }] : [],
  );
  const said =
    added.length > 0 ? `${added.length} domain${added.length === 1 ? "" : "s"} added: ${added.map((d) => d.hostname).join(", ")}` : "";
  const left = taken.length > 0 ? `not added, another app here has ${taken.length === 1 ? "it" : "them"}: ${taken.join(", ")}` : "";
  if (added.length === 0) return { outcome: { skipped: left || "no custom domains" }, dns };
  return { outcome: left ? `${said}; ${left}` : said, dns };
}

/** Polls until `read` says done (a value) or the import is cancelled. */
async function until<T>(signal: AbortSignal, read: () => Promise<T | null>): Promise<T> {
  for (;;) {
    signal.throwIfAborted();
    const value = await read();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Builds the source (or waits for the build made before a restart); returns the build's store path. */
export async function build(
  parts: ImportParts,
  s: RunState,
  source: () => Promise<NewBuildSource>,
): Promise<{ detail: string; storePath: string }> {
  const appId = appIdOf(s);
  if (!s.made.buildId) {
    const b = await parts.builds.create(s.actor, appId, await source());
    s.made.buildId = b.id;
    await saveMade(parts.db, s);
  }
  const buildId = s.made.buildId;
  const done = await until(s.signal, async () => {
    const b = await findBuild(parts.db, appId, buildId);
    if (!b) throw new Error("the import's build is gone");
    return b.status === "succeeded" || b.status === "failed" || b.status === "cancelled" ? b : null;
  });
  if (done.status !== "succeeded" || !done.storePath)
    throw new EngineError("PRECONDITION_FAILED", `Build ${done.number} ${done.status}${done.error ? `: ${done.error}` : ""}`);
  return { detail: `build ${done.number} succeeded`, storePath: done.storePath };
}

/** Deploys the import's build (or, for an archive, a release made from its artifact) and waits until it is live. */
export async function deploy(parts: ImportParts, s: RunState, start: () => Promise<{ id: string }>) {
  const appId = appIdOf(s);
  if (!s.made.deploymentId) {
    s.made.deploymentId = (await start()).id;
    await saveMade(parts.db, s);
  }
  const id = s.made.deploymentId;
  const done = await until(s.signal, async () => {
    const d = await findDeployment(parts.db, appId, id);
    if (!d) throw new Error("the import's deployment is gone");
    return d.status === "succeeded" || d.status === "failed" || d.status === "cancelled" || d.status === "rolled_back" ? d : null;
  });
  if (done.status !== "succeeded")
    throw new EngineError("PRECONDITION_FAILED", `The deployment ${done.status}${done.error ? `: ${done.error}` : ""}`);
  return "deployed and live";
}

/**
 * Scales the release's process types to the wanted quantities, limits and health checks (types
 * the release lacks are named, not scaled). `upcoming`: the processes of the build about to be
 * deployed, set up before their first release.
 */
export async function scale(parts: ImportParts, s: RunState, wanted: Record<string, ScaleChange>, upcoming: Record<string, string> = {}) {
  const current = await parts.formation.get(s.actor, appIdOf(s));
  const known = new Set([...current.map((f) => f.processType), ...Object.keys(upcoming)]);
  const changes = Object.fromEntries(Object.entries(wanted).filter(([type]) => known.has(type)));
  const missing = Object.keys(wanted).filter((type) => !known.has(type));
  if (Object.keys(changes).length === 0) return { skipped: "no process quantities to set" };
  await parts.formation.scale(s.actor, appIdOf(s), changes, upcoming);
  const said = Object.entries(changes)
    .map(([t, q]) => {
      const c = typeof q === "number" ? { quantity: q } : q;
      return `${t}=${c.quantity ?? "as before"}${c.healthCheck ? " (health check set)" : ""}`;
    })
    .join(" ");
  return missing.length > 0 ? `${said} (the release has no ${missing.join(", ")})` : said;
}

/** Runs app.json's postdeploy once as a one-off of the new release; its failure fails the import. */
export async function postdeploy(parts: ImportParts, s: RunState, command: string | null) {
  if (!command) return { skipped: "no postdeploy script" };
  const appId = appIdOf(s);
  if (!s.made.postdeployId) {
    const run = await parts.oneOffs.start(s.actor, appId, { command, attach: false });
    s.made.postdeployId = run.id;
    await saveMade(parts.db, s);
  }
  const id = s.made.postdeployId;
  const done = await until(s.signal, async () => {
    const row = await findOneOff(parts.db, appId, id);
    if (!row) throw new Error("the postdeploy one-off is gone");
    return row.status === "starting" || row.status === "running" ? null : row;
  });
  if (done.status !== "succeeded")
    throw new EngineError("PRECONDITION_FAILED", `postdeploy (${command}) ${done.exitReason ?? done.status}`);
  return `postdeploy (${command}) exited 0 as run.${done.number}`;
}

/** How many requests verify sends to the web process through the router; every one must answer below 500. */
export const VERIFY_REQUESTS = 5;

/** The web process answers through the router, and every var the app should have is set. */
export async function verify(parts: ImportParts, s: RunState, expectedKeys: string[], hasWeb: boolean) {
  const appId = appIdOf(s);
  const have = new Set((await parts.config.get(s.actor, appId)).vars.map((v) => v.key));
  const absent = expectedKeys.filter((k) => !have.has(k));
  if (absent.length > 0) throw new EngineError("PRECONDITION_FAILED", `Config vars missing after the import: ${absent.join(", ")}`);
  if (!hasWeb || !parts.router) return `${expectedKeys.length} config vars present; ${hasWeb ? "no router to ask" : "no web process"}`;
  const { host, port, baseDomain } = parts.router;
  // The health checker's own HTTP probe, through the router: below 500 is an answer from the app.
  const probe = { kind: "http" as const, path: "/", expectStatus: { min: 100, max: 499 }, headers: { host: `${s.appName}.${baseDomain}` } };
  const results: { ok: boolean; detail: string }[] = [];
  for (let i = 0; i < VERIFY_REQUESTS; i++)
    results.push(await probeHttp(probe, { address: host, port }, { timeoutMs: 10_000, signal: s.signal }));
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0)
    throw new EngineError(
      "PRECONDITION_FAILED",
      `The web process did not answer through the router (${failed.length} of ${VERIFY_REQUESTS}): ${[...new Set(failed.map((r) => r.detail))].join("; ")}`,
    );
  return `${VERIFY_REQUESTS} of ${VERIFY_REQUESTS} requests through the router answered (${[...new Set(results.map((r) => r.detail))].join("; ")}); ${expectedKeys.length} config vars present`;
}
