// @ts-check
// addons:restore ADDON --to-time TIME: a PostgreSQL add-on restored as it was at TIME (inside its
// point-in-time recovery window) into a new add-on of the app.
import { appPath } from "../api.js";
import { CliError, UsageError } from "../errors.js";
import { resolveAddon } from "./addons.js";

/** @typedef {import("../context.js").Context} Context */

export async function restoreToTime(/** @type {Context} */ ctx) {
  const ref = ctx.args[0];
  if (!ref) throw new UsageError("Give the add-on's name, id or attachment.");
  const when = ctx.str("to-time");
  if (!when) throw new UsageError("Give the time to restore to: --to-time 2025-01-31T12:00:00Z (ISO 8601, with a zone).");
  const at = new Date(when);
  if (Number.isNaN(at.getTime()))
    throw new UsageError(`--to-time ${when} is not a time; use ISO 8601 with a zone, like 2025-01-31T12:00:00Z.`);
  const app = ctx.app();
  const addon = await resolveAddon(ctx, app, ref);
  const as = ctx.str("as");
  const base = `${appPath(app)}/addons`;
  const started = await ctx.api().post(`${base}/${addon.id}/pitr/restore`, { at: at.toISOString(), ...(as ? { as } : {}) });
  ctx.out.status(`Restoring ${addon.name} as it was at ${at.toISOString()} into a new add-on...`);
  if (ctx.flags.wait === false) return ctx.flags.json ? ctx.out.json(started) : undefined;
  for (;;) {
    const made = await ctx.api().get(`${base}/${started.addonId}`);
    const status = made.restoredToTime?.status;
    if (status && status !== "running") {
      if (ctx.flags.json) return ctx.out.json(made);
      if (status !== "succeeded") throw new CliError(`The restore failed: ${made.restoredToTime.error ?? "see the platform's log"}`);
      ctx.out.line(`Restored into ${made.name} (${made.attachedAs ?? "not attached"})`);
      return;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
