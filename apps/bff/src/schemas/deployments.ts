// Deployments (a release rolled out with a strategy) and the instances they leave running.
import { DEPLOY_STRATEGIES, deployments, instances } from "@skypanel/db";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { appRef } from "./common.ts";
import { releaseRef } from "./releases.ts";
import { overrideReason } from "./vulnerabilities.ts";

export const strategy = z.enum(DEPLOY_STRATEGIES).optional();

export const gitSource = z.object({ type: z.literal("git"), url: z.string().max(2000), ref: z.string().max(255).nullish() });

export const deploymentGetInput = z.object({ app: appRef, id: z.string().max(64) });
export const deploymentCreateInput = z.object({
  app: appRef,
  buildId: z.string().max(64).optional(),
  source: gitSource.optional(),
  strategy,
  overrideReason: overrideReason.optional(),
});
export const deploymentRestartInput = z.object({ app: appRef, strategy });
export const deploymentRollbackInput = z.object({ app: appRef, release: releaseRef.optional(), strategy });

export const deployStepSchema = z.strictObject({
  name: z.string(),
  status: z.enum(["running", "succeeded", "failed", "skipped"]),
  startedAt: z.iso.datetime(),
  durationMs: z.number().nullable(),
  detail: z.string().nullable(),
});

export const deploymentSchema = createSelectSchema(deployments, {
  steps: z.array(deployStepSchema),
  options: z.record(z.string(), z.unknown()).meta({ description: "What the deployment was asked for (build, release, timings)." }),
})
  .strict()
  .meta({ id: "Deployment" });

export const instanceSchema = createSelectSchema(instances, {
  resourceUsage: z
    .record(z.string(), z.unknown())
    .meta({ description: "The latest full reading (io, network, pids) as the runtime reports it." }),
})
  .strict()
  .meta({ id: "Instance" });

/** What answers a deploy, restart or rollback: it runs on, to be followed with GET …/deployments/{id}. */
export const startedDeploymentSchema = z.strictObject({ id: z.uuid(), status: deploymentSchema.shape.status });
