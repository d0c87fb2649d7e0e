import {
  addonAttachInput,
  addonCreateInput,
  addonDestroyInput,
  addonDetachInput,
  addonRef,
  backupRef,
  backupRestoreInput,
  backupScheduleInput,
  pitrRestoreInput,
} from "../schemas/addons.ts";
import { appInput } from "../schemas/common.ts";
import { authedProcedure, router } from "../trpc.ts";

export const addonsRouter = router({
  list: authedProcedure.input(appInput).query(({ ctx, input }) => ctx.engine.addons.list(ctx.actor, input.app)),
  get: authedProcedure.input(addonRef).query(({ ctx, input }) => ctx.engine.addons.get(ctx.actor, input.app, input.addonId)),
  create: authedProcedure.input(addonCreateInput).mutation(({ ctx, input }) => ctx.engine.addons.create(ctx.actor, input.app, input)),
  /** Attaches the add-on (owned by `app`) to `target` (default: `app` itself again) as `as`. */
  attach: authedProcedure.input(addonAttachInput).mutation(({ ctx, input }) =>
    ctx.engine.addons.attach(ctx.actor, input.app, input.addonId, {
      ...(input.target ? { app: input.target } : {}),
      ...(input.as ? { as: input.as } : {}),
    }),
  ),
  /** Removes the add-on's var from `app` (or, on the owner, the attachment `attachmentId` of any app); data stays. */
  detach: authedProcedure
    .input(addonDetachInput)
    .mutation(({ ctx, input }) =>
      ctx.engine.addons.detach(ctx.actor, input.app, input.addonId, input.attachmentId ? { attachmentId: input.attachmentId } : {}),
    ),
  /** Deletes the add-on's data: `confirm` must be the app's name. */
  destroy: authedProcedure
    .input(addonDestroyInput)
    .mutation(({ ctx, input }) => ctx.engine.addons.destroy(ctx.actor, input.app, input.addonId, { confirm: input.confirm })),

  backups: authedProcedure.input(addonRef).query(({ ctx, input }) => ctx.engine.addons.backups.list(ctx.actor, input.app, input.addonId)),
  backup: authedProcedure
    .input(backupRef)
    .query(({ ctx, input }) => ctx.engine.addons.backups.get(ctx.actor, input.app, input.addonId, input.backupId)),
  /** Starts a pg_dump; answers at once with the running backup. */
  createBackup: authedProcedure
    .input(addonRef)
    .mutation(({ ctx, input }) => ctx.engine.addons.backups.create(ctx.actor, input.app, input.addonId)),
  /** Restores into the same add-on (`confirm` = app name), another of the app's add-ons (`into` = its id, same confirm) or `into: "new"`. */
  restore: authedProcedure.input(backupRestoreInput).mutation(({ ctx, input }) =>
    ctx.engine.addons.backups.restore(ctx.actor, input.app, input.addonId, input.backupId, {
      ...(input.into ? { into: input.into } : {}),
      ...(input.as ? { as: input.as } : {}),
      ...(input.confirm !== undefined ? { confirm: input.confirm } : {}),
    }),
  ),
  /** Point-in-time recovery on (a base backup of the server is taken when there is no recent one) or off. */
  enablePitr: authedProcedure
    .input(addonRef)
    .mutation(({ ctx, input }) => ctx.engine.addons.pitr.enable(ctx.actor, input.app, input.addonId)),
  disablePitr: authedProcedure
    .input(addonRef)
    .mutation(({ ctx, input }) => ctx.engine.addons.pitr.disable(ctx.actor, input.app, input.addonId)),
  /** Restores the add-on as it was at `at` into a new add-on; answers at once (the new add-on's restoredToTime says how it goes). */
  restoreToTime: authedProcedure.input(pitrRestoreInput).mutation(({ ctx, input }) =>
    ctx.engine.addons.pitr.restoreToTime(ctx.actor, input.app, input.addonId, {
      at: new Date(input.at),
      ...(input.as ? { as: input.as } : {}),
    }),
  ),
  /** The daily backup's hour (UTC), or null for none. */
  setBackupSchedule: authedProcedure
    .input(backupScheduleInput)
    .mutation(({ ctx, input }) => ctx.engine.addons.backups.setSchedule(ctx.actor, input.app, input.addonId, { hour: input.hour })),
});
