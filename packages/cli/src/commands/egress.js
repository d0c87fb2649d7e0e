// @ts-check
// egress, egress:set: what the app's instances may reach outside the platform.
import { appPath } from "../api.js";
import { UsageError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */
/** @typedef {{ cidr: string, ports: { from: number, to: number } | null }} EgressRule */
/** @typedef {{ mode: string, rules: EgressRule[], appliedTo?: number }} EgressPolicy */

const MODES = ["deny", "allow", "allowlist"];

/** The CLI's text form of a rule, the one egress:set takes. */
export function formatRule(/** @type {EgressRule} */ rule) {
  if (!rule.ports) return rule.cidr;
  return rule.ports.from === rule.ports.to ? `${rule.cidr}:${rule.ports.from}` : `${rule.cidr}:${rule.ports.from}-${rule.ports.to}`;
}

const MEANING = {
  deny: "nothing outside the platform",
  allow: "anything outside the platform, except its host and other apps' instances",
  allowlist: "only the networks and ports below",
};

function show(/** @type {Context} */ ctx, /** @type {string} */ app, /** @type {EgressPolicy} */ policy) {
  ctx.out.line(`${app} may reach ${MEANING[/** @type {keyof typeof MEANING} */ (policy.mode)] ?? policy.mode} (egress: ${policy.mode})`);
  if (policy.mode === "allowlist") for (const rule of policy.rules) ctx.out.line(`  ${formatRule(rule)}`);
}

export async function get(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const policy = await ctx.api().get(`${appPath(app)}/egress`);
  if (ctx.flags.json) return ctx.out.json(policy);
  show(ctx, app, policy);
}

export async function set(/** @type {Context} */ ctx) {
  const [mode, ...rules] = ctx.args;
  if (!mode || !MODES.includes(mode)) throw new UsageError(`Give the mode first: ${MODES.join(", ")}.`);
  if (mode !== "allowlist" && rules.length > 0) throw new UsageError(`Rules go with the allowlist mode only, not with ${mode}.`);
  const app = ctx.app();
  // The platform checks each rule and says what is wrong with it.
  const policy = await ctx.api().put(`${appPath(app)}/egress`, { mode, rules });
  if (ctx.flags.json) return ctx.out.json(policy);
  show(ctx, app, policy);
  ctx.out.line(`Running instances following it now: ${policy.appliedTo ?? 0}`);
}
