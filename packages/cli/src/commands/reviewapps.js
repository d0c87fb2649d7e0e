// @ts-check
// reviewapps, reviewapps:create, reviewapps:destroy, reviewapps:settings, reviewapps:webhook:
// a pipeline's review apps (one app per branch or pull request) and their settings.
import { UsageError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */

function pipelinePath(/** @type {Context} */ ctx) {
  const p = ctx.flags.pipeline;
  if (typeof p !== "string" || !p) throw new UsageError("Name the pipeline with -p PIPELINE.");
  return `/pipelines/${encodeURIComponent(p)}/review-apps`;
}

function one(/** @type {Context} */ ctx, /** @type {string} */ what) {
  const value = ctx.args[0];
  if (!value || ctx.args.length > 1) throw new UsageError(`Give one ${what}.`);
  return value;
}

/** --ttl: 90m, 36h, 2d, a number of seconds, or "none". */
export function ttlSeconds(/** @type {unknown} */ value) {
  if (value === "none" || value === "off") return null;
  const m = typeof value === "string" ? /^(\d+)([smhd]?)$/.exec(value.trim()) : null;
  if (!m) throw new UsageError(`--ttl takes a duration such as 36h or 2d (or "none"), not "${String(value)}".`);
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[/** @type {"" | "s" | "m" | "h" | "d"} */ (m[2])];
  return Number(m[1]) * unit;
}

export async function list(/** @type {Context} */ ctx) {
  const { reviewApps } = await ctx.api().get(pipelinePath(ctx));
  if (ctx.flags.json) return ctx.out.json(reviewApps);
  ctx.out.heading(`${ctx.flags.pipeline} Review Apps`);
  if (reviewApps.length === 0) return ctx.out.line("No review apps. Make one with: skypanel reviewapps:create BRANCH -p PIPELINE");
  ctx.out.table(
    reviewApps.map((/** @type {any} */ r) => ({
      branch: r.prNumber ? `${r.branch} (#${r.prNumber})` : r.branch,
      app: r.app?.name ?? "",
      status: r.error ? `${r.status}: ${r.error}` : r.status,
      url: r.app?.url ?? "",
      expires: r.expiresAt ?? "",
    })),
    [
      ["branch", "Branch"],
      ["app", "App"],
      ["status", "Status"],
      ["url", "URL"],
      ["expires", "Expires"],
    ],
  );
}

export async function create(/** @type {Context} */ ctx) {
  const branch = one(ctx, "branch");
  /** @type {{ branch: string, source?: { url: string, ref?: string } }} */
  const body = { branch };
  if (ctx.flags.ref !== undefined && ctx.flags.source === undefined) throw new UsageError("--ref goes with --source URL.");
  if (typeof ctx.flags.source === "string")
    body.source = { url: ctx.flags.source, ...(typeof ctx.flags.ref === "string" ? { ref: ctx.flags.ref } : {}) };
  const made = await ctx.api().post(pipelinePath(ctx), body);
  if (ctx.flags.json) return ctx.out.json(made);
  ctx.out.line(
    `Making review app ${made.app?.name} for ${branch}${made.app?.url ? ` at ${made.app.url}` : ""}; follow it with: skypanel reviewapps -p ${ctx.flags.pipeline}`,
  );
}

export async function destroy(/** @type {Context} */ ctx) {
  const branch = one(ctx, "branch (or review app id)");
  if (typeof ctx.flags.confirm !== "string") throw new UsageError("Confirm with --confirm APP (the review app's app name).");
  const gone = await ctx.api().delete(`${pipelinePath(ctx)}/${encodeURIComponent(branch)}`, { confirm: ctx.flags.confirm });
  if (ctx.flags.json) return ctx.out.json(gone);
  ctx.out.line(`Destroyed review app ${gone.app ?? branch} and its add-ons.`);
}

export async function settings(/** @type {Context} */ ctx) {
  const f = ctx.flags;
  /** @type {Record<string, unknown>} */
  const changes = {};
  if (f.enable && f.disable) throw new UsageError("Give --enable or --disable, not both.");
  if (f.enable) changes.enabled = true;
  if (f.disable) changes.enabled = false;
  if (typeof f.parent === "string") changes.parentApp = f.parent;
  if (f.max !== undefined) {
    if (typeof f.max !== "string" || !/^\d+$/.test(f.max)) throw new UsageError(`--max takes a whole number, not "${String(f.max)}".`);
    changes.maxApps = Number(f.max);
  }
  if (f["when-full"] !== undefined) {
    if (f["when-full"] !== "refuse_newest" && f["when-full"] !== "destroy_oldest")
      throw new UsageError("--when-full is refuse_newest or destroy_oldest.");
    changes.whenFull = f["when-full"];
  }
  if (f.ttl !== undefined) changes.ttlSeconds = ttlSeconds(f.ttl);
  if (typeof f.repository === "string") changes.repository = f.repository === "none" ? null : f.repository;
  if (f.addons !== undefined) changes.addons = Boolean(f.addons);
  const api = ctx.api();
  const s =
    Object.keys(changes).length > 0
      ? await api.patch(`${pipelinePath(ctx)}/settings`, changes)
      : await api.get(`${pipelinePath(ctx)}/settings`);
  if (ctx.flags.json) return ctx.out.json(s);
  ctx.out.heading(`${f.pipeline} Review App Settings`);
  ctx.out.line(`Enabled:    ${s.enabled ? "yes" : "no"}`);
  ctx.out.line(`Parent app: ${s.parentApp?.name ?? "(none)"}`);
  ctx.out.line(`Add-ons:    ${s.addons ? "made per review app from app.json" : "none (the parent's URLs are copied)"}`);
  ctx.out.line(`Maximum:    ${s.maxApps} (when full: ${s.whenFull})`);
  ctx.out.line(`TTL:        ${s.ttlSeconds === null ? "none (destroyed on close only)" : `${s.ttlSeconds} s after the last deploy`}`);
  ctx.out.line(`Repository: ${s.repository ?? "(the parent app's)"}`);
  ctx.out.line(`Webhook:    ${s.webhook ? "set" : "not set (skypanel reviewapps:webhook)"}`);
}

export async function webhook(/** @type {Context} */ ctx) {
  const { secret, url } = await ctx.api().post(`${pipelinePath(ctx)}/webhook`, {});
  const full = `${ctx.api().baseUrl}${url}`;
  if (ctx.flags.json) return ctx.out.json({ secret, url: full });
  ctx.out.line(`Payload URL:  ${full}`);
  ctx.out.line("Content type: application/json");
  ctx.out.line(`Secret:       ${secret}`);
  ctx.out.line("Events:       Pull requests. The secret is shown this once; the previous one no longer verifies.");
}
