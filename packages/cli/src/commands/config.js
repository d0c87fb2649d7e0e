// @ts-check
// config, config:get, config:set, config:unset. A change is a new release, rolled out; by
// default the command waits for the rollout so the next request sees the new value.
import { appPath } from "../api.js";
import { waitForDeployment } from "../deploy.js";
import { UsageError } from "../errors.js";
import { shellQuote } from "../output.js";

/** @typedef {import("../context.js").Context} Context */

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `KEY=VALUE` arguments as an object; any argument without `=` or with a bad key is a usage
 * error before anything is sent.
 * @param {string[]} args
 * @returns {Record<string, string>}
 */
export function parseAssignments(args) {
  if (args.length === 0) throw new UsageError("Give at least one KEY=VALUE.");
  /** @type {Record<string, string>} */
  const vars = {};
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq < 0) throw new UsageError(`"${arg}" is not KEY=VALUE; nothing was changed.`);
    const key = arg.slice(0, eq);
    if (!KEY.test(key))
      throw new UsageError(`"${key}" is not a config var name (letters, digits and _, not starting with a digit); nothing was changed.`);
    vars[key] = arg.slice(eq + 1);
  }
  return vars;
}

/** Lines `KEY='value'` for a shell's `eval` or a .env file. */
export function shellLines(/** @type {Record<string, string | null>} */ vars) {
  return Object.entries(vars)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}=${shellQuote(/** @type {string} */ (v))}`);
}

export async function show(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const config = await ctx.api().get(`${appPath(app)}/config`, { reveal: ctx.flags.reveal ? "secrets" : undefined });
  if (ctx.flags.json) return ctx.out.json(config.vars);
  if (ctx.flags.shell) {
    for (const l of shellLines(config.vars)) ctx.out.line(l);
    return;
  }
  ctx.out.heading(`${app} Config Vars`);
  const entries = Object.entries(/** @type {Record<string, string | null>} */ (config.vars));
  const width = Math.max(0, ...entries.map(([k]) => k.length)) + 1;
  for (const [k, v] of entries) {
    const shown = v ?? (config.secrets?.includes(k) ? ctx.out.dim("(secret: --reveal shows it)") : "");
    ctx.out.line(ctx.out.tty ? `${ctx.out.green(`${k}:`.padEnd(width))} ${shown}` : `${k}: ${shown}`);
  }
}

export async function get(/** @type {Context} */ ctx) {
  const key = ctx.args[0];
  if (!key || ctx.args.length > 1) throw new UsageError("config:get takes one KEY.");
  const app = ctx.app();
  const config = await ctx.api().get(`${appPath(app)}/config`, { reveal: "secrets" });
  const value = config.vars[key];
  if (ctx.flags.json) return ctx.out.json(value ?? null);
  if (value === undefined || value === null) {
    ctx.out.status(`${key} is not set on ${app}.`);
    return 1;
  }
  ctx.out.line(ctx.flags.shell ? `${key}=${shellQuote(value)}` : value);
}

/** After a change: wait for the rollout it started (if any), then say which release it made. */
async function finish(/** @type {Context} */ ctx, /** @type {string} */ app, /** @type {any} */ result, /** @type {string} */ what) {
  if (result.deploymentId && ctx.flags.wait !== false) {
    await waitForDeployment(ctx.api(), app, result.deploymentId, (step) => ctx.out.status(`  ${step}`));
  }
  if (ctx.flags.json) return ctx.out.json(result);
  const version = result.release ? `, v${result.release.version}` : "";
  const rollout = result.deploymentId ? (ctx.flags.wait === false ? " (rolling out)" : " and rolled out") : "";
  ctx.out.status(`${what} on ${app}${rollout}... done${version}`);
}

export async function set(/** @type {Context} */ ctx) {
  const vars = parseAssignments(ctx.args);
  const app = ctx.app();
  const result = await ctx.api().post(`${appPath(app)}/config/vars`, { vars });
  await finish(ctx, app, result, `Set ${Object.keys(vars).join(", ")}`);
  if (!ctx.flags.json) for (const [k, v] of Object.entries(vars)) ctx.out.line(`${k}: ${v}`);
}

export async function unset(/** @type {Context} */ ctx) {
  if (ctx.args.length === 0) throw new UsageError("Give at least one KEY.");
  for (const key of ctx.args) if (!KEY.test(key)) throw new UsageError(`"${key}" is not a config var name; nothing was changed.`);
  const app = ctx.app();
  // The API removes one key per request; each makes a release, the last one is reported.
  let result = null;
  for (const key of ctx.args) result = await ctx.api().delete(`${appPath(app)}/config/vars/${encodeURIComponent(key)}`);
  await finish(ctx, app, result, `Unset ${ctx.args.join(", ")}`);
}
