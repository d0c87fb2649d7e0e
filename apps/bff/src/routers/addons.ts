import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";
import { appRef } from "./apps.ts";

// Type, plan, `as` and ids are checked by the engine, which says what is allowed.
const addonRef = z.object({ app: appRef, addonId: z.string().min(1).max(100) });
const backupRef = addonRef.extend({ backupId: z.string().min(1).max(100) });
const confirm = z.string().max(100).optional();

export const addonsRouter = router({
  list: authedProcedure.input(z.object({ app: appRef })).query(({ ctx, input }) => ctx.engine.addons.list(ctx.actor, input.app)),
  get: authedProcedure.input(addonRef).query(({ ctx, input }) => ctx.engine.addons.get(ctx.actor, input.app, input.addonId)),
  create: authedProcedure
    .input(z.object({ app: appRef, type: z.string().max(50), plan: z.string().max(50).optional(), as: z.string().max(300).optional() }))
    .mutation(({ ctx, input }) => ctx.engine.addons.create(ctx.actor, input.app, input)),
  /** Attaches the add-on (owned by `app`) to `target` (default: `app` itself again) as `as`. */
  attach: authedProcedure
    .input(addonRef.extend({ target: appRef.optional(), as: z.string().max(300).optional() }))
    .mutation(({ ctx, input }) =>
      ctx.engine.addons.attach(ctx.actor, input.app, input.addonId, {
        ...(input.target ? { app: input.target } : {}),
        ...(input.as ? { as: input.as } : {}),
      }),
    ),
  /** Removes the add-on's var from `app` (or, on the owner, the attachment `attachmentId` of any app); data stays. */
  detach: authedProcedure
    .input(addonRef.extend({ attachmentId: z.string().max(100).optional() }))
    .mutation(({ ctx, input }) =>
      ctx.engine.addons.detach(ctx.actor, input.app, input.addonId, input.attachmentId ? { attachmentId: input.attachmentId } : {}),
    ),
  /** Deletes the add-on's data: `confirm` must be the app's name. */
  destroy: authedProcedure
    .input(addonRef.extend({ confirm }))
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
  restore: authedProcedure
    .input(backupRef.extend({ into: z.string().max(100).optional(), as: z.string().max(300).optional(), confirm }))
    .mutation(({ ctx, input }) =>
      ctx.engine.addons.backups.restore(ctx.actor, input.app, input.addonId, input.backupId, {
        ...(input.into ? { into: input.into } : {}),
        ...(input.as ? { as: input.as } : {}),
        ...(input.confirm !== undefined ? { confirm: input.confirm } : {}),
      }),
    ),
  /** The daily backup's hour (UTC), or null for none. */
  setBackupSchedule: authedProcedure
    .input(addonRef.extend({ hour: z.number().int().min(0).max(23).nullable() }))
    .mutation(({ ctx, input }) => ctx.engine.addons.backups.setSchedule(ctx.actor, input.app, input.addonId, { hour: input.hour })),
});
