import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";
import { appRef } from "./apps.ts";

const values = z.record(z.string(), z.string());

/** A change returns the config plus the release and rollout it made (none for an app never deployed). */
export const configRouter = router({
  get: authedProcedure
    .input(z.object({ app: appRef, revealSecrets: z.boolean().optional() }))
    .query(({ ctx, input }) => ctx.engine.config.get(ctx.actor, input.app, { revealSecrets: input.revealSecrets })),
  set: authedProcedure
    .input(z.object({ app: appRef, vars: values, secret: z.boolean().optional() }))
    .mutation(({ ctx, input }) => ctx.engine.config.set(ctx.actor, input.app, input.vars, { secret: input.secret })),
  unset: authedProcedure
    .input(z.object({ app: appRef, keys: z.array(z.string()).max(500) }))
    .mutation(({ ctx, input }) => ctx.engine.config.unset(ctx.actor, input.app, input.keys)),
  replace: authedProcedure
    .input(z.object({ app: appRef, vars: values.optional(), secrets: values.optional() }))
    .mutation(({ ctx, input }) => ctx.engine.config.replace(ctx.actor, input.app, { vars: input.vars, secrets: input.secrets })),
});
