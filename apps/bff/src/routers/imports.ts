import { z } from "zod";
import {
  appSetupBody,
  archiveImportInput,
  exportAppInput,
  herokuAppsBody,
  herokuImportBody,
  herokuPlanBody,
  importIdInput,
  importRollbackBody,
} from "../schemas/imports.ts";
import { authedProcedure, router } from "../trpc.ts";

/**
 * Imports. Reading Heroku takes the user's token, so even the reads are mutations: a query's
 * input would travel in the URL (and in logs).
 */
export const importsRouter = router({
  herokuApps: authedProcedure.input(herokuAppsBody).mutation(({ ctx, input }) => ctx.engine.imports.herokuApps(ctx.actor, input)),
  herokuPlan: authedProcedure.input(herokuPlanBody).mutation(({ ctx, input }) => ctx.engine.imports.herokuPlan(ctx.actor, input)),
  startHeroku: authedProcedure.input(herokuImportBody).mutation(({ ctx, input }) => ctx.engine.imports.startHeroku(ctx.actor, input)),
  setup: authedProcedure.input(appSetupBody).mutation(({ ctx, input }) => ctx.engine.imports.startAppJson(ctx.actor, input)),
  /** An export's file (the REST face streams it); needs write access to the app, whose config it holds. */
  exportApp: authedProcedure.input(exportAppInput).mutation(({ ctx, input }) => {
    const { app, ...rest } = input;
    return ctx.engine.imports.exportApp(ctx.actor, app, rest);
  }),
  /** An export uploaded through the REST face (POST /api/imports/archive), imported. */
  importArchive: authedProcedure.input(archiveImportInput).mutation(({ ctx, input }) => ctx.engine.imports.startArchive(ctx.actor, input)),
  list: authedProcedure
    .input(z.object({ limit: z.number().int().min(1).max(100).optional() }).optional())
    .query(({ ctx, input }) => ctx.engine.imports.list(ctx.actor, input?.limit)),
  get: authedProcedure.input(importIdInput).query(({ ctx, input }) => ctx.engine.imports.get(ctx.actor, input.id)),
  rollback: authedProcedure
    .input(importIdInput.extend(importRollbackBody.shape))
    .mutation(({ ctx, input }) => ctx.engine.imports.rollback(ctx.actor, input.id, { confirm: input.confirm })),
});
