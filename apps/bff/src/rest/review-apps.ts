// REST for review apps: list, create and destroy a pipeline's review apps, their settings, the
// webhook secret, and the GitHub-compatible webhook itself (no login: its HMAC signature is the proof).
import { z } from "zod";
import { pipelineRef } from "../schemas/pipelines.ts";
import {
  reviewAppCreateBody,
  reviewAppDestroyBody,
  reviewAppRef,
  reviewAppSchema,
  reviewAppsInput,
  reviewSettingsBody,
  reviewSettingsSchema,
} from "../schemas/review-apps.ts";
import { operation } from "./operation.ts";

const path = "/api/pipelines/{pipeline}/review-apps";

export const reviewAppOperations = [
  operation({
    id: "listReviewApps",
    method: "get",
    path,
    tag: "review-apps",
    summary: "List a pipeline's review apps",
    params: reviewAppsInput,
    status: 200,
    response: z.strictObject({ reviewApps: z.array(reviewAppSchema) }),
    answers: "The live review apps, oldest first.",
    handle: async ({ caller, params }) => ({ reviewApps: await caller.reviewApps.list(params) }),
  }),
  operation({
    id: "createReviewApp",
    method: "post",
    path,
    tag: "review-apps",
    summary: "Make a review app for a branch",
    description:
      "Makes the app now and builds, configures (the parent app's config, then app.json's env), makes app.json's add-ons, deploys and runs postdeploy in the background: follow `status`. Refused (409) when the pipeline is full and set to refuse_newest.",
    params: reviewAppsInput,
    body: reviewAppCreateBody,
    status: 202,
    response: reviewAppSchema,
    answers: "The review app, being made.",
    errors: [409, 412],
    handle: ({ caller, params, body }) => caller.reviewApps.create({ ...params, ...body }),
  }),
  operation({
    id: "getReviewAppSettings",
    method: "get",
    path: `${path}/settings`,
    tag: "review-apps",
    summary: "Read a pipeline's review app settings",
    params: reviewAppsInput,
    status: 200,
    response: reviewSettingsSchema,
    answers: "The settings.",
    handle: ({ caller, params }) => caller.reviewApps.settings(params),
  }),
  operation({
    id: "updateReviewAppSettings",
    method: "patch",
    path: `${path}/settings`,
    tag: "review-apps",
    summary: "Change a pipeline's review app settings",
    params: reviewAppsInput,
    body: reviewSettingsBody,
    status: 200,
    response: reviewSettingsSchema,
    answers: "The settings, changed.",
    handle: ({ caller, params, body }) => caller.reviewApps.updateSettings({ ...params, ...body }),
  }),
  operation({
    id: "rotateReviewAppWebhookSecret",
    method: "post",
    path: `${path}/webhook`,
    tag: "review-apps",
    summary: "Make a new webhook secret",
    description: "The old secret stops verifying at once. The secret is in this answer only; `url` is the webhook's path on this server.",
    params: reviewAppsInput,
    bodyOptional: true,
    body: z.object({}),
    status: 200,
    response: z.strictObject({ secret: z.string(), url: z.string() }),
    answers: "The secret, shown once.",
    handle: ({ caller, params }) => caller.reviewApps.rotateWebhookSecret(params),
  }),
  operation({
    id: "destroyReviewApp",
    method: "delete",
    path: `${path}/{reviewApp}`,
    tag: "review-apps",
    summary: "Destroy a review app and its add-ons",
    description: "`confirm` (the review app's app name) in the body or the query. The row stays as history.",
    params: reviewAppsInput.extend({ reviewApp: reviewAppRef }),
    query: reviewAppDestroyBody.partial(),
    body: reviewAppDestroyBody.partial(),
    bodyOptional: true,
    status: 200,
    response: z.strictObject({ id: z.string(), app: z.string().nullable() }),
    answers: "Destroyed.",
    handle: ({ caller, params, query, body }) => caller.reviewApps.destroy({ ...params, confirm: body.confirm ?? query.confirm ?? "" }),
  }),
  operation({
    id: "reviewAppWebhook",
    method: "post",
    path: "/api/pipelines/{pipeline}/webhooks/github",
    tag: "review-apps",
    summary: "GitHub-compatible webhook (pull_request events)",
    description:
      "Verified by `X-Hub-Signature-256` (HMAC-SHA256 of the exact body with the pipeline's webhook secret). `pull_request` opened or reopened makes the PR's review app, synchronize deploys its new head, closed destroys it; `ping` answers 200; other events and actions 202.",
    auth: "none",
    params: z.object({ pipeline: pipelineRef }),
    headers: z.object({
      "x-github-event": z.string().optional().meta({ description: "pull_request, ping, …" }),
      "x-hub-signature-256": z.string().optional().meta({ description: "sha256=<hex HMAC of the body>" }),
    }),
    requestContent: { "application/json": z.record(z.string(), z.unknown()) },
    status: 200,
    response: z.strictObject({
      message: z.string(),
      reviewApp: z.strictObject({ id: z.string(), branch: z.string(), app: z.string().nullable(), status: z.string() }).optional(),
    }),
    answers: "Done (200) or ignored (202), with a message.",
    // No login, but a signature: a missing or wrong one is 401.
    errors: [401, 409, 412],
    handle: async ({ ctx, c, params }) => {
      const body = new Uint8Array(await c.req.arrayBuffer());
      const outcome = await ctx.engine.reviewApps.webhook(params.pipeline, {
        event: c.req.header("x-github-event"),
        signature: c.req.header("x-hub-signature-256"),
        body,
      });
      const { status, ...rest } = outcome;
      return c.json(rest, status);
    },
  }),
];
