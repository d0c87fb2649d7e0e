// @ts-check
// traffic, traffic:set: the app's traffic protection at the router (limits per client address,
// the largest request body, the WAF).
import { appPath } from "../api.js";
import { UsageError } from "../errors.js";
import { formatBytes } from "../output.js";
import { parseSize } from "./logs.js";

/** @typedef {import("../context.js").Context} Context */
/**
 * @typedef {{ requestsPerMinute: number | null, burst: number | null, maxConcurrentRequests: number | null,
 *   maxBodyBytes: number | null, wafMode: string, router: "custom" | "debian" | null, needsCustomRouter: string[] }} TrafficPolicy
 */

const WAF_MODES = ["off", "detect", "block"];

/** A count flag: a positive whole number, or "none" to clear the limit. */
function count(/** @type {string} */ flag, /** @type {unknown} */ value) {
  if (value === "none") return null;
  const n = Number(value);
  if (typeof value !== "string" || !Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`--${flag} takes a positive whole number, or "none" for no limit, not "${String(value)}".`);
  return n;
}

function bodySize(/** @type {string} */ text) {
  try {
    return parseSize(text);
  } catch {
    throw new UsageError(`--max-body takes a size like 10MB, 512KiB or a number of bytes, or "none", not "${text}".`);
  }
}

/** The changes to send from the flags (none: only show the policy). */
export function trafficChanges(/** @type {import("../args.js").Flags} */ flags) {
  /** @type {Record<string, number | string | null>} */
  const changes = {};
  if (flags.rate !== undefined) changes.requestsPerMinute = count("rate", flags.rate);
  if (flags.burst !== undefined) changes.burst = count("burst", flags.burst);
  if (flags.concurrency !== undefined) changes.maxConcurrentRequests = count("concurrency", flags.concurrency);
  if (flags["max-body"] !== undefined) {
    const text = String(flags["max-body"]);
    changes.maxBodyBytes = text === "none" ? null : bodySize(text);
  }
  if (flags.waf !== undefined) {
    if (!WAF_MODES.includes(String(flags.waf)))
      throw new UsageError(`--waf is one of ${WAF_MODES.join(", ")}, not "${String(flags.waf)}".`);
    changes.wafMode = String(flags.waf);
  }
  return changes;
}

const ROUTER = {
  custom: "SkyPanel's Caddy: every setting is in force",
  debian: "Debian's Caddy: only the body limit is in force",
};

function show(/** @type {Context} */ ctx, /** @type {string} */ app, /** @type {TrafficPolicy} */ p) {
  const or = (/** @type {number | null} */ v, /** @type {(v: number) => string} */ f) => (v === null ? "no limit" : f(v));
  ctx.out.line(`${app}'s traffic protection, per client address:`);
  ctx.out.line(`  requests:   ${or(p.requestsPerMinute, (v) => `${v} per minute, bursts of ${p.burst ?? v}`)}`);
  ctx.out.line(`  in flight:  ${or(p.maxConcurrentRequests, (v) => `${v} at once`)}`);
  ctx.out.line(`  body:       ${or(p.maxBodyBytes, formatBytes)}`);
  ctx.out.line(`  WAF:        ${p.wafMode}${p.wafMode === "off" ? "" : " (OWASP Core Rule Set)"}`);
  ctx.out.line(`Router: ${p.router ? ROUTER[p.router] : "none on this platform"}`);
  if (p.needsCustomRouter.length > 0) ctx.out.line(`Not in force (needs the custom router build): ${p.needsCustomRouter.join(", ")}`);
}

export async function get(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const policy = await ctx.api().get(`${appPath(app)}/traffic`);
  if (ctx.flags.json) return ctx.out.json(policy);
  show(ctx, app, policy);
}

export async function set(/** @type {Context} */ ctx) {
  const changes = trafficChanges(ctx.flags);
  if (Object.keys(changes).length === 0) throw new UsageError("Give at least one of --rate, --burst, --concurrency, --max-body, --waf.");
  const app = ctx.app();
  // The platform checks the bounds and says what is wrong.
  const policy = await ctx.api().put(`${appPath(app)}/traffic`, changes);
  if (ctx.flags.json) return ctx.out.json(policy);
  show(ctx, app, policy);
}
