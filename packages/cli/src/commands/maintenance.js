// @ts-check
// maintenance, maintenance:on, maintenance:off: the router answers the app's hostnames with 503,
// Retry-After and a page, while its instances, one-offs and scheduled jobs keep running.
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { appPath } from "../api.js";
import { UsageError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */
/** @typedef {{ enabled: boolean, page: string | null, servedPage: string, retryAfterSeconds: number, routed: boolean }} Maintenance */

// The platform's own limit (64 KiB); a larger file is refused here before it is sent.
const MAX_PAGE_BYTES = 64 * 1024;

/** The page's HTML from --page FILE, read as UTF-8 and sent as-is. */
export function readPage(/** @type {string} */ cwd, /** @type {unknown} */ file) {
  if (typeof file !== "string" || !file) throw new UsageError("--page takes the path of an HTML file.");
  const path = resolve(cwd, file);
  let size;
  try {
    size = statSync(path).size;
  } catch {
    throw new UsageError(`--page: cannot read "${file}".`);
  }
  if (size > MAX_PAGE_BYTES)
    throw new UsageError(`--page: "${file}" is ${size} bytes; a maintenance page is at most ${MAX_PAGE_BYTES} (64 KiB).`);
  return readFileSync(path, "utf8");
}

/** --retry-after N: whole seconds (the platform checks the range and says it). */
export function retryAfter(/** @type {unknown} */ value) {
  const n = Number(value);
  if (typeof value !== "string" || !/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new UsageError(`--retry-after takes a whole number of seconds, not "${String(value)}".`);
  return n;
}

/** What maintenance:on sends, from its flags. */
export function onChanges(/** @type {Context["flags"]} */ flags, /** @type {string} */ cwd) {
  /** @type {{ enabled: true, page?: string | null, retryAfterSeconds?: number }} */
  const changes = { enabled: true };
  if (flags.page !== undefined && flags["default-page"]) throw new UsageError("Give --page FILE or --default-page, not both.");
  if (flags.page !== undefined) changes.page = readPage(cwd, flags.page);
  if (flags["default-page"]) changes.page = null;
  if (flags["retry-after"] !== undefined) changes.retryAfterSeconds = retryAfter(flags["retry-after"]);
  return changes;
}

function show(/** @type {Context} */ ctx, /** @type {string} */ app, /** @type {Maintenance} */ m) {
  ctx.out.line(
    m.enabled
      ? `${app} is in maintenance: visitors get 503 with ${m.page === null ? "the default page" : "its own page"} (Retry-After: ${m.retryAfterSeconds} s).`
      : `${app} is not in maintenance.`,
  );
  if (!m.routed) ctx.out.line("This platform runs no router: the setting is kept, but nothing serves it.");
}

export async function get(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const m = await ctx.api().get(`${appPath(app)}/maintenance`);
  if (ctx.flags.json) return ctx.out.json(m);
  show(ctx, app, m);
}

export async function on(/** @type {Context} */ ctx) {
  const changes = onChanges(ctx.flags, ctx.cwd);
  const app = ctx.app();
  const m = await ctx.api().put(`${appPath(app)}/maintenance`, changes);
  if (ctx.flags.json) return ctx.out.json(m);
  show(ctx, app, m);
}

export async function off(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const m = await ctx.api().put(`${appPath(app)}/maintenance`, { enabled: false });
  if (ctx.flags.json) return ctx.out.json(m);
  show(ctx, app, m);
}
