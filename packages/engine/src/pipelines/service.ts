// Pipelines: a team's apps grouped into development, staging and production (review apps are
// engine.reviewApps'). Promotion lives in promote.ts, the view in view.ts. Every change runs
// under withActor, so the audit triggers of pipelines, pipeline_apps and releases record who.
import {
  deletePipeline,
  deletePipelineApp,
  findPipelineOfApp,
  insertPipeline,
  isUuid,
  listLiveReviewApps,
  listPipelinesOfUser,
  listTeamsOfUser,
  pipelineNameTaken,
  upsertPipelineApp,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { Apps } from "../apps/index.ts";
import type { Deployments } from "../deploy/index.ts";
import type { EngineDeps } from "../deps.ts";
import { EngineError, ValidationError } from "../errors.ts";
import type { Releases } from "../releases/index.ts";
import { requireTeamRole } from "../teams/index.ts";
import { resolvePipeline } from "./access.ts";
import { checkPipelineName } from "./names.ts";
import { previewPromotion, promote } from "./promote.ts";
import {
  APP_STAGES,
  type AppStage,
  type PipelineSummary,
  type PipelineView,
  type PromotionPreview,
  type PromotionResult,
} from "./types.ts";
import { pipelineView } from "./view.ts";

export interface PipelineParts {
  apps: Apps;
  releases: Releases;
  deployments: Deployments;
  /** Where an app answers (null: the platform routes nothing). */
  appUrl: (name: string) => string | null;
}

export class PipelineNameTakenError extends EngineError {
  constructor(name: string) {
    super("CONFLICT", `The pipeline name "${name}" is taken. Choose another.`);
  }
}

export function createPipelines(deps: EngineDeps, parts: PipelineParts) {
  const { db } = deps;
  const promotion = { db, apps: parts.apps, releases: parts.releases, deployments: parts.deployments };

  async function defaultTeamId(actor: Actor) {
    const teams = await listTeamsOfUser(db, actor.userId);
    const team = teams.find((t) => t.personal && t.role === "owner") ?? teams.find((t) => t.role !== "viewer");
    if (!team) throw new ValidationError("You are in no team you can create pipelines in; pass a teamId.");
    return team.id;
  }

  return {
    async list(actor: Actor): Promise<PipelineSummary[]> {
      return listPipelinesOfUser(db, actor.userId);
    },

    async get(actor: Actor, idOrName: string): Promise<PipelineView> {
      const { pipeline } = await resolvePipeline(db, actor, idOrName, "read", "viewing the pipeline");
      return pipelineView(db, pipeline, parts.appUrl);
    },

    async create(actor: Actor, input: { name: string; teamId?: string | undefined }): Promise<{ id: string; name: string }> {
      const name = checkPipelineName(input.name);
      const teamId = input.teamId ?? (await defaultTeamId(actor));
      if (!isUuid(teamId)) throw new ValidationError(`"${teamId.slice(0, 60)}" is not a team id.`);
      await requireTeamRole(db, actor, teamId, "write", "creating pipelines");
      const row = await withActor(db, actor, async (tx) => {
        if (await pipelineNameTaken(tx, name)) throw new PipelineNameTakenError(name);
        return insertPipeline(tx, { teamId, name, createdBy: actor.userId });
      }).catch((err: unknown) => {
        // Two racing creates can both pass the check; the unique index decides.
        if (String((err as { cause?: { message?: string } })?.cause?.message ?? err).includes("pipelines_name_idx"))
          throw new PipelineNameTakenError(name);
        throw err;
      });
      return { id: row.id, name: row.name };
    },

    /** The pipeline goes; its apps stay, out of any pipeline. Refused while it has live review apps. */
    async delete(actor: Actor, idOrName: string, confirm: string): Promise<{ id: string; name: string }> {
      const { pipeline } = await resolvePipeline(db, actor, idOrName, "write", "deleting the pipeline");
      if (confirm !== pipeline.name)
        throw new ValidationError(`To delete the pipeline, confirm with its name, "${pipeline.name}".`, { confirm: pipeline.name });
      const live = await listLiveReviewApps(db, pipeline.id);
      if (live.length > 0)
        throw new EngineError(
          "PRECONDITION_FAILED",
          `${pipeline.name} has ${live.length} review app${live.length === 1 ? "" : "s"} (${live.map((r) => r.branch).join(", ")}); destroy ${live.length === 1 ? "it" : "them"} first.`,
        );
      await withActor(db, actor, (tx) => deletePipeline(tx, pipeline.id));
      return { id: pipeline.id, name: pipeline.name };
    },

    /** Puts an app at a stage (moves it when it is in this pipeline already); an app is in one pipeline at most. */
    async addApp(actor: Actor, idOrName: string, appRef: string, stage: AppStage): Promise<{ appId: string; stage: AppStage }> {
      if (!(APP_STAGES as readonly string[]).includes(stage))
        throw new ValidationError(`A stage is one of ${APP_STAGES.join(", ")} (review apps are made as review apps).`);
      const { pipeline } = await resolvePipeline(db, actor, idOrName, "write", "changing the pipeline");
      const { app } = await parts.apps.resolve(actor, appRef, "write", "adding the app to a pipeline");
      if (app.teamId !== pipeline.teamId)
        throw new ValidationError(`${app.name} is in another team than the pipeline ${pipeline.name}; transfer it first.`);
      const place = await findPipelineOfApp(db, app.id);
      // A place in another team's pipeline is stale (the app was transferred since): replaced.
      if (place && place.pipeline.id !== pipeline.id && place.pipeline.teamId === app.teamId)
        throw new EngineError("CONFLICT", `${app.name} is in the pipeline ${place.pipeline.name} already; remove it from there first.`);
      if (place?.stage === "review") throw new ValidationError(`${app.name} is a review app of ${pipeline.name}; it stays at review.`);
      await withActor(db, actor, (tx) => upsertPipelineApp(tx, { appId: app.id, pipelineId: pipeline.id, stage }));
      return { appId: app.id, stage };
    },

    /** Takes the app out of the pipeline; the app itself is kept. */
    async removeApp(actor: Actor, idOrName: string, appRef: string): Promise<{ appId: string }> {
      const { pipeline } = await resolvePipeline(db, actor, idOrName, "write", "changing the pipeline");
      const { app } = await parts.apps.resolve(actor, appRef, "write", "removing the app from a pipeline");
      const place = await findPipelineOfApp(db, app.id);
      if (place?.pipeline.id !== pipeline.id) throw new ValidationError(`${app.name} is not in the pipeline ${pipeline.name}.`);
      if (place.stage === "review") throw new ValidationError(`${app.name} is a review app; destroy the review app instead.`);
      await withActor(db, actor, (tx) => deletePipelineApp(tx, app.id));
      return { appId: app.id };
    },

    async promotionPreview(actor: Actor, idOrName: string, from: string): Promise<PromotionPreview> {
      const { pipeline } = await resolvePipeline(db, actor, idOrName, "read", "previewing a promotion");
      return previewPromotion(promotion, actor, pipeline, from);
    },

    /** Deploys `from`'s current build to the next stage's apps (all, or those in `to`), each with its own config. */
    async promote(
      actor: Actor,
      idOrName: string,
      from: string,
      input: { to?: string[] | undefined; overrideReason?: string | null | undefined } = {},
    ): Promise<PromotionResult> {
      const { pipeline } = await resolvePipeline(db, actor, idOrName, "write", "promoting");
      return promote(promotion, actor, pipeline, from, input);
    },
  };
}

export type Pipelines = ReturnType<typeof createPipelines>;
