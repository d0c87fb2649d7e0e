import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";
import { appRef } from "./apps.ts";

export const releasesRouter = router({
  list: authedProcedure.input(z.object({ app: appRef })).query(({ ctx, input }) => ctx.engine.releases.list(ctx.actor, input.app)),
  get: authedProcedure
    .input(z.object({ app: appRef, release: z.union([z.string().max(64), z.number().int()]) }))
    .query(({ ctx, input }) => ctx.engine.releases.get(ctx.actor, input.app, input.release)),
});
