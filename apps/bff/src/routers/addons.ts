import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";
import { appRef } from "./apps.ts";

// Type, plan and `as` are checked by the engine, which says what is allowed.
const addonRef = z.object({ app: appRef, addonId: z.string().min(1).max(100) });

export const addonsRouter = router({
  list: authedProcedure.input(z.object({ app: appRef })).query(({ ctx, input }) => ctx.engine.addons.list(ctx.actor, input.app)),
  get: authedProcedure.input(addonRef).query(({ ctx, input }) => ctx.engine.addons.get(ctx.actor, input.app, input.addonId)),
  create: authedProcedure
    .input(z.object({ app: appRef, type: z.string().max(50), plan: z.string().max(50).optional(), as: z.string().max(300).optional() }))
    .mutation(({ ctx, input }) => ctx.engine.addons.create(ctx.actor, input.app, input)),
  detach: authedProcedure.input(addonRef).mutation(({ ctx, input }) => ctx.engine.addons.detach(ctx.actor, input.app, input.addonId)),
  /** Deletes the add-on's data: `confirm` must be the app's name. */
  destroy: authedProcedure
    .input(addonRef.extend({ confirm: z.string().max(100).optional() }))
    .mutation(({ ctx, input }) => ctx.engine.addons.destroy(ctx.actor, input.app, input.addonId, { confirm: input.confirm })),
});
