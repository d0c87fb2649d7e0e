import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";

/** An app is addressed by its id or its name, in the API as in the dashboard's URLs. */
export const appRef = z.string().min(1).max(100);

export const appListInput = z.object({
  page: z.number().int().optional(),
  perPage: z.number().int().optional(),
  search: z.string().max(100).optional(),
  sort: z.enum(["name", "createdAt", "updatedAt"]).optional(),
  order: z.enum(["asc", "desc"]).optional(),
  teamId: z.string().max(64).optional(),
  status: z.enum(["idle", "building", "deploying", "running", "crashed", "stopped"]).optional(),
});

export const appsRouter = router({
  list: authedProcedure.input(appListInput.optional()).query(({ ctx, input }) => ctx.engine.apps.list(ctx.actor, input ?? {})),
  get: authedProcedure.input(z.object({ app: appRef })).query(({ ctx, input }) => ctx.engine.apps.get(ctx.actor, input.app)),
  create: authedProcedure
    .input(z.object({ name: z.string().max(100), teamId: z.string().max(64).optional(), description: z.string().max(1000).optional() }))
    .mutation(({ ctx, input }) => ctx.engine.apps.create(ctx.actor, input)),
  update: authedProcedure
    .input(
      z.object({
        app: appRef,
        name: z.string().max(100).optional(),
        description: z.string().max(1000).optional(),
        // The engine checks the path and says what is wrong; this only bounds the size.
        rootDirectory: z.string().max(1000).nullable().optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.engine.apps.update(ctx.actor, input.app, input)),
  /** Moves the app to another team the caller may create apps in. */
  transfer: authedProcedure
    .input(z.object({ app: appRef, teamId: z.string().max(64) }))
    .mutation(({ ctx, input }) => ctx.engine.apps.transfer(ctx.actor, input.app, input.teamId)),
  delete: authedProcedure.input(z.object({ app: appRef })).mutation(({ ctx, input }) => ctx.engine.apps.delete(ctx.actor, input.app)),
});
