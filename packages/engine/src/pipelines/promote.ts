// Promotion: the exact build (the same Nix store path, no rebuild) of one stage's app becomes a
// new release of each next-stage app, with that app's own config, deployed with its own strategy
// (the strategy of its last deployment: apps have no default strategy of their own; rolling
// before their first). The team's vulnerability policy applies as to any deploy of a build.
import type { Database, Pipeline, PipelineStage, Release } from "@skypanel/db";
import {
  findPipelineOfApp,
  findReleaseById,
  insertRelease,
  lastDeploymentStrategy,
  listConfigKeys,
  listStageApps,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import { checkOverrideReason, type Deployments, guardBuildDeploy, STRATEGIES, type Strategy } from "../deploy/index.ts";
import { EngineError, ValidationError } from "../errors.ts";
import type { Releases } from "../releases/index.ts";
import type { AppStage, ConfigKeyDiff, PromotionPreview, PromotionResult } from "./types.ts";
import { releaseViews } from "./view.ts";

const NEXT_STAGE: Partial<Record<PipelineStage, AppStage>> = { development: "staging", staging: "production" };

export interface PromotionParts {
  db: Database;
  apps: Apps;
  releases: Releases;
  deployments: Deployments;
}

type StageAppRow = Awaited<ReturnType<typeof listStageApps>>[number];

interface PromotionPlan {
  source: { id: string; name: string };
  release: Release;
  nextStage: AppStage;
  targets: StageAppRow[];
}

/** What would be promoted where; every refusal is said before anything changes. */
async function plan(p: PromotionParts, actor: Actor, pipeline: Pipeline, from: string, to?: string[]): Promise<PromotionPlan> {
  const { app } = await p.apps.resolve(actor, from, "read", "promoting from the app");
  const place = await findPipelineOfApp(p.db, app.id);
  if (place?.pipeline.id !== pipeline.id || app.teamId !== pipeline.teamId)
    throw new ValidationError(`${app.name} is not in the pipeline ${pipeline.name}.`);
  const nextStage = NEXT_STAGE[place.stage];
  if (!nextStage)
    throw new ValidationError(
      place.stage === "production"
        ? `${app.name} is at the production stage, the last one: there is no next stage to promote to.`
        : `${app.name} is a review app: review apps are not promoted; promote from a development or staging app.`,
    );
  const release = app.currentReleaseId ? await findReleaseById(p.db, app.currentReleaseId) : null;
  if (!release) throw new EngineError("PRECONDITION_FAILED", `${app.name} has no release to promote; deploy it first.`);
  if (!release.storePath) throw new EngineError("PRECONDITION_FAILED", `v${release.version} of ${app.name} has no build to promote.`);
  const stageApps = await listStageApps(p.db, pipeline.id, nextStage);
  if (stageApps.length === 0)
    throw new EngineError("PRECONDITION_FAILED", `The pipeline ${pipeline.name} has no app at the ${nextStage} stage to promote to.`);
  if (!to) return { source: app, release, nextStage, targets: stageApps };
  const targets: StageAppRow[] = [];
  for (const ref of to) {
    const target = (await p.apps.resolve(actor, ref, "read", "promoting to the app")).app;
    if (target.id === app.id) throw new ValidationError(`${app.name} cannot be promoted to itself.`);
    const row = stageApps.find((a) => a.id === target.id);
    if (!row)
      throw new ValidationError(`${target.name} is not at the ${nextStage} stage of ${pipeline.name}, the stage after ${app.name}'s.`);
    if (!targets.includes(row)) targets.push(row);
  }
  return { source: app, release, nextStage, targets };
}

async function strategyOf(db: Database, appId: string): Promise<Strategy> {
  const last = await lastDeploymentStrategy(db, appId);
  return last && (STRATEGIES as readonly string[]).includes(last) ? (last as Strategy) : "rolling";
}

function diffKeys(source: string[], target: string[]): ConfigKeyDiff {
  return {
    onlyInSource: source.filter((k) => !target.includes(k)),
    onlyInTarget: target.filter((k) => !source.includes(k)),
    inBoth: source.filter((k) => target.includes(k)),
  };
}

export async function previewPromotion(p: PromotionParts, actor: Actor, pipeline: Pipeline, from: string): Promise<PromotionPreview> {
  const { source, release, nextStage, targets } = await plan(p, actor, pipeline, from);
  const views = await releaseViews(p.db, [release.id, ...targets.map((t) => t.currentReleaseId)]);
  const keys = await listConfigKeys(p.db, [source.id, ...targets.map((t) => t.id)]);
  const sourceView = views.get(release.id);
  if (!sourceView) throw new Error(`release ${release.id} vanished`);
  return {
    from: { app: { id: source.id, name: source.name }, release: sourceView },
    nextStage,
    targets: await Promise.all(
      targets.map(async (t) => ({
        app: { id: t.id, name: t.name },
        release: t.currentReleaseId ? (views.get(t.currentReleaseId) ?? null) : null,
        strategy: await strategyOf(p.db, t.id),
        configKeys: diffKeys(keys.get(source.id) ?? [], keys.get(t.id) ?? []),
      })),
    ),
  };
}

export async function promote(
  p: PromotionParts,
  actor: Actor,
  pipeline: Pipeline,
  from: string,
  input: { to?: string[] | undefined; overrideReason?: string | null | undefined } = {},
): Promise<PromotionResult> {
  if (!p.deployments.runtimeEnabled)
    throw new EngineError("PRECONDITION_FAILED", "This platform runs no apps: it was started without a runtime.");
  const overrideReason = checkOverrideReason(input.overrideReason);
  const { source, release, targets } = await plan(p, actor, pipeline, from, input.to);
  const strategies = await Promise.all(targets.map((t) => strategyOf(p.db, t.id)));
  // The build's findings as for any deploy of it; an override is audited once, here.
  if (release.buildId) await guardBuildDeploy(p.db, { buildId: release.buildId, overrideReason, actorId: actor.userId, record: true });
  const buildNumber = (await releaseViews(p.db, [release.id])).get(release.id)?.buildNumber ?? null;
  const description = `Promote v${release.version} of ${source.name}${buildNumber !== null ? ` (build #${buildNumber})` : ""}`;
  // All targets or none: their releases and deployments commit together.
  const made = await withActor(p.db, actor, async (tx) => {
    const out = [];
    for (const [i, target] of targets.entries()) {
      const promoted = await insertRelease(tx, {
        appId: target.id,
        buildId: release.buildId,
        storePath: release.storePath,
        processes: release.processes,
        releaseCommand: release.releaseCommand,
        // The target's own config, sealed for the target (each value's seal names its app).
        configSnapshot: await p.releases.snapshotConfig(tx, target.id),
        kind: "promotion",
        promotedFromReleaseId: release.id,
        description,
        createdBy: actor.userId,
      });
      const deployment = await p.deployments.queueRelease(
        tx,
        actor,
        target.id,
        promoted.id,
        { promotion: { fromAppId: source.id, fromReleaseId: release.id } },
        strategies[i] ?? "rolling",
      );
      out.push({ target, promoted, deployment });
    }
    return out;
  });
  for (const m of made) p.deployments.announce(m.deployment);
  return {
    promotions: made.map((m) => ({
      app: { id: m.target.id, name: m.target.name },
      releaseVersion: m.promoted.version,
      deploymentId: m.deployment.id,
    })),
  };
}
