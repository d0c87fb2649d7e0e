import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";
import { appRef } from "./apps.ts";

export const auditRouter = router({
  forApp: authedProcedure
    .input(z.object({ app: appRef, before: z.number().int().positive().optional(), limit: z.number().int().min(1).max(200).optional() }))
    .query(({ ctx, input }) => ctx.engine.audit.forApp(ctx.actor, input.app, input)),
});
