// @ts-check
// sessions, sessions:revoke: where you are logged in, and logging a browser or CLI out from afar.
import { UsageError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */

export async function list(/** @type {Context} */ ctx) {
  const { sessions } = await ctx.api().get("/sessions");
  if (ctx.flags.json) return ctx.out.json(sessions);
  ctx.out.heading("Sessions");
  ctx.out.table(
    sessions.map((/** @type {Record<string, unknown>} */ s) => ({ ...s, current: s.current ? "this one" : "" })),
    [
      ["current", ""],
      ["ip", "Address"],
      ["userAgent", "Client"],
      ["lastSeenAt", "Last seen"],
      ["expiresAt", "Expires"],
      ["id", "Id"],
    ],
  );
}

export async function revoke(/** @type {Context} */ ctx) {
  if (ctx.flags.others === true) {
    if (ctx.args.length > 0) throw new UsageError("Give a session id or --others, not both.");
    const { revoked } = await ctx.api().delete("/sessions");
    return ctx.out.line(`Ended ${revoked} other session${revoked === 1 ? "" : "s"}.`);
  }
  const id = ctx.args[0];
  if (!id || ctx.args.length > 1) throw new UsageError("Give one session id (see skypanel sessions), or --others.");
  await ctx.api().delete(`/sessions/${encodeURIComponent(id)}`);
  ctx.out.line(`Ended session ${id}`);
}
