import { oneOffInput, oneOffListInput, oneOffStartInput } from "../schemas/one-offs.ts";
import { authedProcedure, router } from "../trpc.ts";

/** One-off processes; attaching to one is a WebSocket (one-off-attach.ts), not a procedure. */
export const oneOffsRouter = router({
  list: authedProcedure.input(oneOffListInput).query(({ ctx, input }) => ctx.engine.oneOffs.list(ctx.actor, input.app, input.limit)),
  get: authedProcedure.input(oneOffInput).query(({ ctx, input }) => ctx.engine.oneOffs.get(ctx.actor, input.app, input.id)),
  start: authedProcedure.input(oneOffStartInput).mutation(({ ctx, input }) => {
    const { app, ...request } = input;
    return ctx.engine.oneOffs.start(ctx.actor, app, request);
  }),
  stop: authedProcedure.input(oneOffInput).mutation(({ ctx, input }) => ctx.engine.oneOffs.stop(ctx.actor, input.app, input.id)),
});
