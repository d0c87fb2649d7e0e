import { createPlatformBackupInput, platformBackupInput } from "../schemas/platform-backups.ts";
import { authedProcedure, router } from "../trpc.ts";

/** Whole-platform backups; the engine allows platform admins only. Restore is offline: `npm run restore`. */
export const platformBackupsRouter = router({
  list: authedProcedure.query(async ({ ctx }) => ({
    backups: await ctx.engine.platformBackups.list(ctx.actor),
    configured: ctx.engine.platformBackups.configured(),
  })),
  get: authedProcedure.input(platformBackupInput).query(({ ctx, input }) => ctx.engine.platformBackups.get(ctx.actor, input.id)),
  /** Starts one; it runs on (status "running", its step in `progress`). */
  create: authedProcedure
    .input(createPlatformBackupInput)
    .mutation(({ ctx, input }) => ctx.engine.platformBackups.create(ctx.actor, input)),
});
