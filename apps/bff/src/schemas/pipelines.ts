// Pipelines and promotion (engine/pipelines): inputs shared by tRPC and REST.
import { PIPELINE_APP_STAGES } from "@skypanel/engine";
import { z } from "zod";
import { appRef } from "./common.ts";
import { overrideReason } from "./vulnerabilities.ts";

/** A pipeline is addressed by its id or its name. */
export const pipelineRef = z.string().min(1).max(100).meta({ description: "The pipeline's id or name." });
export const pipelineInput = z.object({ pipeline: pipelineRef });
export const pipelineCreateInput = z.object({
  name: z.string().max(100).meta({ description: "The app name rule: 3 to 30 lowercase letters, digits and dashes." }),
  teamId: z.string().max(64).optional().meta({ description: "The team it belongs to (default: your personal team)." }),
});
export const pipelineDeleteInput = z.object({
  pipeline: pipelineRef,
  confirm: z.string().max(100).meta({ description: "The pipeline's name, again." }),
});
export const pipelineAddAppInput = z.object({ pipeline: pipelineRef, app: appRef, stage: z.enum(PIPELINE_APP_STAGES) });
export const pipelineRemoveAppInput = z.object({ pipeline: pipelineRef, app: appRef });
export const promotionPreviewInput = z.object({
  pipeline: pipelineRef,
  from: appRef.meta({ description: "The app whose current release is promoted." }),
});
export const promoteInput = promotionPreviewInput.extend({
  to: z.array(appRef).min(1).max(50).optional().meta({ description: "Apps of the next stage to promote to (default: all of them)." }),
  overrideReason: overrideReason.optional(),
});
