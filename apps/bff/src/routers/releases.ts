import { appInput } from "../schemas/common.ts";
import { releaseGetInput } from "../schemas/releases.ts";
import { authedProcedure, router } from "../trpc.ts";

export const releasesRouter = router({
  list: authedProcedure.input(appInput).query(({ ctx, input }) => ctx.engine.releases.list(ctx.actor, input.app)),
  get: authedProcedure.input(releaseGetInput).query(({ ctx, input }) => ctx.engine.releases.get(ctx.actor, input.app, input.release)),
});
