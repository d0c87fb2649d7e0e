// Apps: what the procedures take and what an app looks like. tRPC validates with these, and the
// REST face derives its params, bodies and the OpenAPI document from them.
import { APP_STATUSES, applications, TEAM_ROLES } from "@skypanel/db";
import { APP_SORT_FIELDS } from "@skypanel/db/queries";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { appRef } from "./common.ts";
import { deploymentSchema, instanceSchema } from "./deployments.ts";
import { domainSchema } from "./domains.ts";
import { releaseSchema } from "./releases.ts";

export const appListInput = z.object({
  page: z.number().int().optional(),
  perPage: z.number().int().optional(),
  search: z.string().max(100).optional(),
  sort: z.enum(APP_SORT_FIELDS).optional(),
  order: z.enum(["asc", "desc"]).optional(),
  teamId: z.string().max(64).optional(),
  status: z.enum(APP_STATUSES).optional(),
});

export const appCreateInput = z.object({
  name: z.string().max(100),
  teamId: z.string().max(64).optional(),
  description: z.string().max(1000).optional(),
});

export const appUpdateInput = z.object({
  app: appRef,
  name: z.string().max(100).optional(),
  description: z.string().max(1000).optional(),
  // The engine checks the path and says what is wrong; this only bounds the size.
  rootDirectory: z.string().max(1000).nullable().optional(),
});

export const appTransferInput = z.object({ app: appRef, teamId: z.string().max(64) });

const appColumns = createSelectSchema(applications).omit({ createdBy: true }).extend({ teamName: z.string() });

export const appSchema = appColumns.strict().meta({ id: "App" });

/** One app with what its page shows; `url` is where it answers (null: the platform routes nothing). */
export const appDetailSchema = appColumns
  .extend({
    role: z.enum(TEAM_ROLES),
    releases: z.array(releaseSchema).meta({ description: "The five newest releases." }),
    deployments: z.array(deploymentSchema).meta({ description: "The five newest deployments." }),
    instances: z.array(instanceSchema),
    domains: z.array(domainSchema),
    configVarCount: z.number().int(),
    url: z.string().nullable(),
  })
  .strict()
  .meta({ id: "AppDetail" });

export const deletedAppSchema = z.strictObject({ id: z.uuid(), name: z.string() });
