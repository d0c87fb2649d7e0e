import { configGetInput, configReplaceInput, configSetInput, configUnsetInput } from "../schemas/config.ts";
import { authedProcedure, router } from "../trpc.ts";

/** A change returns the config plus the release and rollout it made (none for an app never deployed). */
export const configRouter = router({
  get: authedProcedure
    .input(configGetInput)
    .query(({ ctx, input }) => ctx.engine.config.get(ctx.actor, input.app, { revealSecrets: input.revealSecrets })),
  set: authedProcedure
    .input(configSetInput)
    .mutation(({ ctx, input }) => ctx.engine.config.set(ctx.actor, input.app, input.vars, { secret: input.secret })),
  unset: authedProcedure.input(configUnsetInput).mutation(({ ctx, input }) => ctx.engine.config.unset(ctx.actor, input.app, input.keys)),
  replace: authedProcedure
    .input(configReplaceInput)
    .mutation(({ ctx, input }) => ctx.engine.config.replace(ctx.actor, input.app, { vars: input.vars, secrets: input.secrets })),
});
