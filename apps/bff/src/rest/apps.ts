// REST for apps themselves: list, create, read, change, delete, and their activity.
import { z } from "zod";
import { appCreateInput, appDetailSchema, appListInput, appSchema, appUpdateInput, deletedAppSchema } from "../schemas/apps.ts";
import { auditEntrySchema, auditForAppInput } from "../schemas/audit.ts";
import { appInput } from "../schemas/common.ts";
import { operation } from "./operation.ts";
import { queryInt } from "./params.ts";
import { auditEntryView, deploymentView, instanceView, releaseView } from "./views.ts";

const appListQuery = appListInput.extend({
  page: queryInt(appListInput.shape.page.unwrap()).optional(),
  perPage: queryInt(appListInput.shape.perPage.unwrap()).optional(),
});

export const appOperations = [
  operation({
    id: "listApps",
    method: "get",
    path: "/api/apps",
    tag: "apps",
    summary: "List apps",
    description: "The apps in your teams, a page at a time (`page` from 1, `perPage` up to 100; default 20).",
    query: appListQuery,
    status: 200,
    response: z.strictObject({ apps: z.array(appSchema), total: z.number().int(), page: z.number().int(), perPage: z.number().int() }),
    answers: "One page of apps and the total.",
    handle: async ({ caller, query }) => {
      const { items, ...page } = await caller.apps.list(query);
      return { apps: items, ...page };
    },
  }),
  operation({
    id: "createApp",
    method: "post",
    path: "/api/apps",
    tag: "apps",
    summary: "Create an app",
    description: "In `teamId`, or your personal team.",
    body: appCreateInput,
    status: 201,
    response: appSchema,
    answers: "The new app.",
    errors: [404, 409],
    handle: ({ caller, body }) => caller.apps.create(body),
  }),
  operation({
    id: "getApp",
    method: "get",
    path: "/api/apps/{app}",
    tag: "apps",
    summary: "Read an app",
    params: appInput,
    status: 200,
    response: appDetailSchema,
    answers: "The app, its newest releases and deployments, instances, domains, and the URL it answers at.",
    handle: async ({ caller, ctx, params }) => {
      // The URL needs only the app's name: asking deployments.overview for it read the app a second time.
      const app = await caller.apps.get(params);
      const url = ctx.engine.running?.appUrl(app.name) ?? null;
      return {
        ...app,
        releases: app.releases.map(releaseView),
        deployments: app.deployments.map(deploymentView),
        instances: app.instances.map(instanceView),
        url,
      };
    },
  }),
  operation({
    id: "updateApp",
    method: "patch",
    path: "/api/apps/{app}",
    tag: "apps",
    summary: "Rename an app, or change its description or root directory",
    params: appInput,
    body: appUpdateInput.omit({ app: true }),
    status: 200,
    response: appSchema,
    answers: "The app as changed.",
    errors: [409],
    handle: ({ caller, params, body }) => caller.apps.update({ ...body, ...params }),
  }),
  operation({
    id: "deleteApp",
    method: "delete",
    path: "/api/apps/{app}",
    tag: "apps",
    summary: "Delete an app",
    description: "With everything that belongs to it: builds, releases, config, domains and its add-ons' data.",
    params: appInput,
    status: 200,
    response: deletedAppSchema,
    answers: "Deleted.",
    errors: [409],
    handle: ({ caller, params }) => caller.apps.delete(params),
  }),
  operation({
    id: "listAppActivity",
    method: "get",
    path: "/api/apps/{app}/activity",
    tag: "apps",
    summary: "The app's audit trail, newest first",
    params: appInput,
    query: z.object({
      before: queryInt(auditForAppInput.shape.before.unwrap()).optional().meta({ description: "Entries with an id below this." }),
      limit: queryInt(auditForAppInput.shape.limit.unwrap()).optional(),
    }),
    status: 200,
    response: z.strictObject({ activity: z.array(auditEntrySchema) }),
    answers: "Entries of the audit trail.",
    handle: async ({ caller, params, query }) => ({ activity: (await caller.audit.forApp({ ...params, ...query })).map(auditEntryView) }),
  }),
];
