// An app set up from a source with an app.json (Heroku's "app setup"): build it, then read its
// app.json from the build, and honour it: env (values, required ones, generated secrets), add-ons,
// formation, and the postdeploy script, run once after the first deploy.
import { join } from "node:path";
import { findBuild } from "@skypanel/db/queries";
import { ADDON_TYPES } from "../addons/index.ts";
import type { AppJsonManifest } from "../app-json/index.ts";
import { readAppJson, resolveAppJsonEnv } from "../app-json/index.ts";
import { EngineError } from "../errors.ts";
import type { ScaleChange } from "../formation/index.ts";
import { planFor } from "./heroku-run.ts";
import {
  build,
  deploy,
  type ImportParts,
  makeAddons,
  makeApp,
  postdeploy,
  type RunState,
  scale,
  setConfig,
  verify,
  type WantedAddon,
} from "./setup.ts";

export interface AppJsonSetupOptions {
  source: { kind: "git"; url: string; ref: string | null };
}

/** The add-ons app.json asks for that SkyPanel has, each attached as its `as` or the type's default var. */
export function appJsonAddons(manifest: AppJsonManifest): { wanted: WantedAddon[]; ignored: string[] } {
  const wanted: WantedAddon[] = [];
  const ignored: string[] = [];
  for (const a of manifest.addons) {
    if (!a.becomes) {
      ignored.push(a.service);
      continue;
    }
    // Heroku attaches `as: "FOO"` as the var FOO_URL.
    const as = a.as ? `${a.as}_URL` : ADDON_TYPES[a.becomes].defaultAs;
    if (wanted.some((w) => w.as === as)) throw new EngineError("PRECONDITION_FAILED", `app.json attaches two add-ons as ${as}.`);
    wanted.push({ key: as, type: a.becomes, plan: planFor(a.becomes, a.plan ?? ""), as });
  }
  return { wanted, ignored };
}

export async function runAppJsonSetup(parts: ImportParts, s: RunState, options: AppJsonSetupOptions, provided: Record<string, string>) {
  await s.progress.run("app", () => makeApp(parts, s, "Set up from app.json"));
  await s.progress.run("build", async () => {
    const built = await build(parts, s, async () => ({ type: "git", url: options.source.url, ref: options.source.ref }));
    return `${built.detail} from ${options.source.url}`;
  });
  const manifest = await manifestOfBuild(parts, s);
  await s.progress.run("config", async () => {
    if (!manifest) return setConfig(parts, s, provided);
    const env = resolveAppJsonEnv(manifest, provided);
    if (env.missing.length > 0)
      throw new EngineError(
        "PRECONDITION_FAILED",
        `app.json requires ${env.missing.join(", ")}: give ${env.missing.length === 1 ? "it" : "them"} a value.`,
      );
    const done = await setConfig(parts, s, env.values);
    return env.generated.length > 0 && typeof done === "string" ? `${done} (generated: ${env.generated.join(", ")})` : done;
  });
  // The keys the config step set: resolving again gives the same keys (only generated values differ).
  const expected = Object.keys(manifest ? resolveAppJsonEnv(manifest, provided).values : provided);
  const addons = manifest ? appJsonAddons(manifest) : { wanted: [], ignored: [] };
  await s.progress.run("addons", async () => {
    const made = await makeAddons(parts, s, addons.wanted);
    const note = addons.ignored.length > 0 ? `; not available here, ignored: ${addons.ignored.join(", ")}` : "";
    return typeof made === "string" ? `${made}${note}` : note ? { skipped: `no add-ons SkyPanel has${note}` } : made;
  });
  // Before the first deploy, so the app starts as app.json says (quantities, health checks).
  await s.progress.run("formation", async () => {
    if (!manifest) return { skipped: "no app.json" };
    const changes: Record<string, Exclude<ScaleChange, number>> = {};
    for (const f of manifest.formation) changes[f.type] = { quantity: f.quantity };
    for (const [type, healthCheck] of Object.entries(manifest.healthchecks)) changes[type] = { ...changes[type], healthCheck };
    return scale(parts, s, changes, (await builtBy(parts, s)).plan?.processes ?? {});
  });
  await s.progress.run("deploy", () =>
    deploy(parts, s, () => parts.deployments.create(s.actor, s.made.appId ?? "", { buildId: s.made.buildId ?? "" })),
  );
  await s.progress.run("postdeploy", () => postdeploy(parts, s, manifest?.postdeploy ?? null));
  const quantities = new Map((manifest?.formation ?? []).map((f) => [f.type, f.quantity]));
  await s.progress.run("verify", () =>
    verify(parts, s, [...expected, ...addons.wanted.map((w) => w.as)], (quantities.get("web") ?? 1) > 0),
  );
}

async function builtBy(parts: ImportParts, s: RunState) {
  const b = s.made.appId && s.made.buildId ? await findBuild(parts.db, s.made.appId, s.made.buildId) : null;
  if (!b?.storePath) throw new Error("the import's build has no artifact");
  return { storePath: b.storePath, plan: b.plan };
}

/** app.json as the build has it (the build's app/ tree), or null when the source has none. */
async function manifestOfBuild(parts: ImportParts, s: RunState): Promise<AppJsonManifest | null> {
  return readAppJson(join((await builtBy(parts, s)).storePath, "app"));
}
