// Making a review app, and deploying a new commit to it: the app.json setup's steps (imports/
// setup.ts), driven by the review app's row. Each step records what it made in the row's `made`,
// so a control plane that restarts mid-way resumes without making anything twice.
import { join } from "node:path";
import type { Pipeline, ReviewApp } from "@skypanel/db";
import { findBuild, listAttachmentsOfApp, updateReviewApp } from "@skypanel/db/queries";
import type { Actor } from "../../actor.ts";
import { type AppJsonManifest, readAppJson, resolveAppJsonEnv } from "../../app-json/index.ts";
import type { NewBuildSource } from "../../builds/index.ts";
import { EngineError } from "../../errors.ts";
import type { ScaleChange } from "../../formation/index.ts";
import { appJsonAddons } from "../../imports/app-json-run.ts";
import {
  build,
  deploy,
  type ImportParts,
  type Made,
  makeAddons,
  postdeploy,
  type RunState,
  scale,
  setConfig,
} from "../../imports/setup.ts";
import { copyCommit } from "./git-copy.ts";

/** What a review app's row keeps in `made`: the setup's, where it builds from, and a redeploy in flight. */
export interface ReviewMade extends Made {
  /** The ref built when no commit is named (a source's ref, or the branch). */
  ref?: string;
  /** The config step ran (it makes a release; not twice). */
  configSet?: boolean;
  /** The app whose repository a pushed branch lives in (no source URL). */
  fromApp?: string;
  /** A redeploy of a new commit in flight: which commit, and its deployment once made. */
  update?: { sha: string; deploymentId?: string };
}

export interface RunContext {
  parts: ImportParts;
  reposDir: string;
  actor: Actor;
  pipeline: Pipeline;
  row: ReviewApp;
  appName: string;
  signal: AbortSignal;
  now: () => Date;
}

const expiresAt = (c: RunContext) =>
  c.pipeline.reviewTtlSeconds ? new Date(c.now().getTime() + c.pipeline.reviewTtlSeconds * 1000) : null;

function state(c: RunContext, made: ReviewMade): RunState {
  return {
    actor: c.actor,
    importId: c.row.id,
    appName: c.appName,
    teamId: c.pipeline.teamId,
    made,
    // The review app's progress is its row's status; the steps' own are the build's and the deployment's.
    progress: { steps: [], run: async (_name, work) => void (await work()), rolledBack: async () => {} },
    signal: c.signal,
    save: async (m) => void (await updateReviewApp(c.parts.db, c.row.id, { made: m as Record<string, unknown> })),
  };
}

/** The source of commit `sha` (or the row's ref when null), as a build takes it. */
async function sourceOf(c: RunContext, made: ReviewMade, sha: string | null): Promise<NewBuildSource> {
  if (c.row.sourceUrl) return { type: "git", url: c.row.sourceUrl, ref: sha ?? made.ref ?? c.row.branch };
  if (!made.fromApp || !sha) throw new EngineError("PRECONDITION_FAILED", "This review app has no source to build from.");
  await copyCommit(c.reposDir, made.fromApp, c.appName, sha);
  return { type: "push", ref: "main", sha };
}

/**
 * The parent app's config, less the vars its add-ons own when the review app makes its own
 * add-ons; `secrets`: the keys that are secret on the parent, and stay so on the review app.
 */
async function parentConfig(c: RunContext): Promise<{ values: Record<string, string>; secrets: Set<string> }> {
  const parentId = c.pipeline.reviewParentAppId;
  if (!parentId) return { values: {}, secrets: new Set() };
  const config = await c.parts.config.get(c.actor, parentId, { revealSecrets: true });
  const owned = c.pipeline.reviewAddons
    ? new Set((await listAttachmentsOfApp(c.parts.db, parentId)).map((a) => a.attachment.name))
    : new Set();
  const kept = config.vars.filter((v) => v.value !== null && !owned.has(v.key));
  return {
    values: Object.fromEntries(kept.map((v) => [v.key, v.value as string])),
    secrets: new Set(kept.filter((v) => v.isSecret).map((v) => v.key)),
  };
}

async function manifestOf(c: RunContext, made: ReviewMade): Promise<AppJsonManifest | null> {
  const b = made.appId && made.buildId ? await findBuild(c.parts.db, made.appId, made.buildId) : null;
  if (!b?.storePath) throw new Error("the review app's build has no artifact");
  return readAppJson(join(b.storePath, "app"));
}

async function setStatus(c: RunContext, status: ReviewApp["status"], extra: Partial<ReviewApp> = {}) {
  await updateReviewApp(c.parts.db, c.row.id, { status, ...extra });
}

/** The first deploy: build, config (parent's, then app.json's env), add-ons, formation, deploy, postdeploy once. */
export async function makeReviewApp(c: RunContext): Promise<void> {
  const made = { ...(c.row.made as ReviewMade) };
  const s = state(c, made);
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw Object.assign(err as Error, { message: `${name}: ${(err as Error).message}` });
    }
  };
  await step("build", () => build(c.parts, s, () => sourceOf(c, made, c.row.headSha)));
  const manifest = await manifestOf(c, made);
  const wanted = manifest && c.pipeline.reviewAddons ? appJsonAddons(manifest) : { wanted: [], ignored: [] };
  await step("config", async () => {
    const parent = await parentConfig(c);
    const inherited = parent.values;
    const env = manifest ? resolveAppJsonEnv(manifest, inherited) : { values: {}, missing: [], generated: [] };
    if (env.missing.length > 0)
      throw new EngineError("PRECONDITION_FAILED", `app.json requires ${env.missing.join(", ")}: set it on the pipeline's parent app.`);
    // Add-ons the review app makes attach their own vars; a copied one would be refused.
    const vars = Object.fromEntries(
      Object.entries({ ...inherited, ...env.values }).filter(([k]) => !wanted.wanted.some((w) => w.as === k)),
    );
    if (!made.configSet) {
      // The parent's secrets stay secret (masked in the dashboard) on the review app.
      const isSecret = ([k, v]: [string, string]) => parent.secrets.has(k) && inherited[k] === v;
      await setConfig(c.parts, s, Object.fromEntries(Object.entries(vars).filter((e) => !isSecret(e))));
      const secrets = Object.fromEntries(Object.entries(vars).filter(isSecret));
      if (Object.keys(secrets).length > 0) await c.parts.config.set(s.actor, made.appId ?? "", secrets, { secret: true });
      made.configSet = true;
      await s.save?.(made);
    }
  });
  await step("add-ons", async () => {
    if (wanted.wanted.length > 0) await makeAddons(c.parts, s, wanted.wanted);
  });
  await step("formation", async () => {
    if (!manifest) return;
    const changes: Record<string, Exclude<ScaleChange, number>> = {};
    for (const f of manifest.formation) changes[f.type] = { quantity: f.quantity };
    for (const [type, healthCheck] of Object.entries(manifest.healthchecks)) changes[type] = { ...changes[type], healthCheck };
    const b = await findBuild(c.parts.db, made.appId ?? "", made.buildId ?? "");
    await scale(c.parts, s, changes, b?.plan?.processes ?? {});
  });
  await setStatus(c, "deploying");
  await step("deploy", () =>
    deploy(c.parts, s, () => c.parts.deployments.create(c.actor, made.appId ?? "", { buildId: made.buildId ?? "" })),
  );
  await step("postdeploy", () => postdeploy(c.parts, s, manifest?.postdeploy ?? null));
  await setStatus(c, "deployed", { error: null, expiresAt: expiresAt(c) });
}

/** A new commit (a pull request's synchronize, a push): built and deployed as a new release. */
export async function redeployReviewApp(c: RunContext, sha: string): Promise<void> {
  const made = { ...(c.row.made as ReviewMade) };
  const s = state(c, made);
  if (made.update?.sha !== sha) made.update = { sha };
  const update = made.update;
  await setStatus(c, "deploying", { error: null, headSha: sha, made: made as Record<string, unknown> });
  const source = await sourceOf(c, made, sha);
  // deploy() resumes a deployment it made before; the redeploy's own is kept apart from the first one.
  const first = made.deploymentId;
  s.made.deploymentId = update.deploymentId;
  s.save = async (m) => {
    update.deploymentId = m.deploymentId;
    await updateReviewApp(c.parts.db, c.row.id, { made: { ...made, deploymentId: first, update } as Record<string, unknown> });
  };
  try {
    await deploy(c.parts, s, () => c.parts.deployments.create(c.actor, made.appId ?? "", { source }));
  } catch (err) {
    throw Object.assign(err as Error, { message: `deploy of ${sha.slice(0, 7)}: ${(err as Error).message}` });
  }
  const { update: _done, ...rest } = made;
  await setStatus(c, "deployed", {
    error: null,
    expiresAt: expiresAt(c),
    made: { ...rest, deploymentId: first } as Record<string, unknown>,
  });
}
