// @ts-check
// alerts, alerts:add, alerts:remove, alerts:history, alerts:channels, alerts:channels:add,
// alerts:channels:remove, alerts:channels:test. Rules belong to an app; channels to its team.
import { appPath } from "../api.js";
import { UsageError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */

const KINDS = [
  "latency_p95",
  "error_rate_5xx",
  "memory",
  "crash_loop",
  "instance_down",
  "deploy_failed",
  "certificate",
  "autoscaler_max",
  "scheduled_job_failed",
];

/** @param {Context} ctx @param {string} what */
const oneArg = (ctx, what) => {
  const value = ctx.args[0];
  if (!value || ctx.args.length > 1) throw new UsageError(`Give one ${what}.`);
  return value;
};

/** A number flag, or undefined; anything else is a usage error naming the flag. */
const numberFlag = (/** @type {Context} */ ctx, /** @type {string} */ name) => {
  const text = ctx.str(name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) throw new UsageError(`--${name} takes a number, not "${text}".`);
  return n;
};

/** The team whose channels are meant: --team, else the app's. */
async function teamOf(/** @type {Context} */ ctx) {
  const team = ctx.str("team");
  if (team) return team;
  const app = await ctx.api().get(appPath(ctx.app()));
  return /** @type {string} */ (app.teamId);
}
const channelsPath = (/** @type {string} */ team) => `/teams/${encodeURIComponent(team)}/alert-channels`;

export async function list(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const { rules } = await ctx.api().get(`${appPath(app)}/alerts/rules`);
  if (ctx.flags.json) return ctx.out.json(rules);
  ctx.out.heading(`${app} Alert Rules`);
  ctx.out.table(
    rules.map((/** @type {Record<string, unknown>} */ r) => ({
      ...r,
      channels: /** @type {string[]} */ (r.channelIds).length,
      on: r.enabled ? "yes" : "no",
    })),
    [
      ["id", "ID"],
      ["description", "Rule"],
      ["state", "State"],
      ["on", "On"],
      ["channels", "Channels"],
    ],
  );
}

export async function add(/** @type {Context} */ ctx) {
  const kind = oneArg(ctx, `KIND (${KINDS.join(", ")})`);
  const app = ctx.app();
  const threshold = numberFlag(ctx, "threshold");
  const durationSeconds = numberFlag(ctx, "for");
  const channels = ctx.flags.channel;
  const rule = await ctx.api().post(`${appPath(app)}/alerts/rules`, {
    kind,
    ...(threshold === undefined ? {} : { threshold }),
    ...(durationSeconds === undefined ? {} : { durationSeconds }),
    channelIds: Array.isArray(channels) ? channels : [],
  });
  if (ctx.flags.json) return ctx.out.json(rule);
  ctx.out.line(`Added the alert "${rule.description}" to ${app} (${rule.id}).`);
}

export async function remove(/** @type {Context} */ ctx) {
  const id = oneArg(ctx, "RULE_ID (see: skypanel alerts)");
  const app = ctx.app();
  await ctx.api().delete(`${appPath(app)}/alerts/rules/${encodeURIComponent(id)}`);
  ctx.out.line(`Removed the alert rule ${id} from ${app}.`);
}

export async function history(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const { alerts } = await ctx.api().get(`${appPath(app)}/alerts`);
  if (ctx.flags.json) return ctx.out.json(alerts);
  ctx.out.heading(`${app} Alerts (newest first)`);
  ctx.out.table(alerts, [
    ["at", "At"],
    ["state", "State"],
    ["kind", "Kind"],
    ["message", "Message"],
  ]);
}

export async function channels(/** @type {Context} */ ctx) {
  const team = await teamOf(ctx);
  const { channels: list } = await ctx.api().get(channelsPath(team));
  if (ctx.flags.json) return ctx.out.json(list);
  ctx.out.heading("Notification Channels");
  ctx.out.table(list, [
    ["id", "ID"],
    ["name", "Name"],
    ["type", "Type"],
    ["summary", "Sends to"],
  ]);
}

export async function addChannel(/** @type {Context} */ ctx) {
  const name = oneArg(ctx, "NAME");
  const type = ctx.str("type") ?? "webhook";
  const url = ctx.str("url");
  const to = ctx.flags.to;
  const smtpUrl = ctx.str("smtp-url");
  const team = await teamOf(ctx);
  const channel = await ctx.api().post(channelsPath(team), {
    type,
    name,
    ...(url === undefined ? {} : { url }),
    ...(Array.isArray(to) ? { to } : {}),
    ...(smtpUrl === undefined ? {} : { smtpUrl }),
  });
  if (ctx.flags.json) return ctx.out.json(channel);
  ctx.out.line(`Added the ${channel.type} channel ${channel.name} (${channel.id}).`);
  if (channel.signingSecret) {
    ctx.out.line(`Its signing secret, shown this once: ${channel.signingSecret}`);
    ctx.out.line("Receivers check X-SkyPanel-Signature: sha256=HMAC-SHA256(secret, X-SkyPanel-Timestamp + '.' + body).");
  }
}

export async function removeChannel(/** @type {Context} */ ctx) {
  const id = oneArg(ctx, "CHANNEL_ID (see: skypanel alerts:channels)");
  const team = await teamOf(ctx);
  const removed = await ctx.api().delete(`${channelsPath(team)}/${encodeURIComponent(id)}`);
  ctx.out.line(`Removed the channel ${removed.name ?? id}.`);
}

export async function testChannel(/** @type {Context} */ ctx) {
  const id = oneArg(ctx, "CHANNEL_ID (see: skypanel alerts:channels)");
  const team = await teamOf(ctx);
  const result = await ctx.api().post(`${channelsPath(team)}/${encodeURIComponent(id)}/test`, {});
  if (ctx.flags.json) return ctx.out.json(result);
  if (result.ok) ctx.out.line(`Delivered the test notification${result.attempts > 1 ? ` after ${result.attempts} attempts` : ""}.`);
  else {
    ctx.out.line(`The test notification failed after ${result.attempts} attempt(s): ${result.error ?? "no answer"}`);
    return 1;
  }
}
