// @ts-check
// drains, drains:add, drains:remove (Heroku's log drains).
import { appPath } from "../api.js";
import { UsageError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */

const one = (/** @type {Context} */ ctx, /** @type {string} */ what) => {
  const value = ctx.args[0];
  if (!value || ctx.args.length > 1) throw new UsageError(`Give one ${what}.`);
  return value;
};

export async function list(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const { drains } = await ctx.api().get(`${appPath(app)}/drains`);
  if (ctx.flags.json) return ctx.out.json(drains);
  ctx.out.heading(`${app} Log Drains`);
  if (drains.length === 0) return ctx.out.line(`${app} has no log drains. Add one with: skypanel drains:add URL -a ${app}`);
  ctx.out.table(drains, [
    ["url", "URL"],
    ["deliveredCount", "Delivered"],
    ["deadLetterCount", "Dead-lettered"],
    ["droppedCount", "Dropped"],
    ["lastError", "Last error"],
    ["id", "Id"],
  ]);
}

export async function add(/** @type {Context} */ ctx) {
  const url = one(ctx, "URL (syslog+tls://host:port or https://…)");
  const app = ctx.app();
  const drain = await ctx.api().post(`${appPath(app)}/drains`, { url });
  if (ctx.flags.json) return ctx.out.json(drain);
  // The answer's URL is redacted: a token in what was typed is not printed back.
  ctx.out.line(`Successfully added drain ${drain.url} to ${app} (id ${drain.id})`);
}

export async function remove(/** @type {Context} */ ctx) {
  const drain = one(ctx, "drain id or URL");
  const app = ctx.app();
  const removed = await ctx.api().delete(`${appPath(app)}/drains/${encodeURIComponent(drain)}`);
  ctx.out.line(`Successfully removed drain ${removed.url} from ${app}`);
}
