// @ts-check
// autoscale, autoscale:set, autoscale:events: the autoscaler's policies and its decisions.
import { appPath } from "../api.js";
import { UsageError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */

/** A number flag, or undefined; anything else is a usage error naming the flag. */
const numberFlag = (/** @type {Context} */ ctx, /** @type {string} */ name) => {
  const text = ctx.str(name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) throw new UsageError(`--${name} takes a number, not "${text}".`);
  return n;
};

export async function show(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const settings = await ctx.api().get(`${appPath(app)}/autoscale`);
  if (ctx.flags.json) return ctx.out.json(settings);
  ctx.out.heading(`${app} Autoscaling`);
  ctx.out.table(
    settings.policies.map((/** @type {Record<string, unknown>} */ p) => ({
      ...p,
      state: p.enabled ? "on" : p.saved ? "paused" : "not set",
    })),
    [
      ["process", "Process"],
      ["state", "State"],
      ["metric", "Metric"],
      ["target", "Target"],
      ["min", "Min"],
      ["max", "Max"],
      ["stabilizationSeconds", "Scale-down after (s)"],
    ],
  );
  if (settings.schedules.length > 0) {
    ctx.out.heading("Schedules");
    ctx.out.table(settings.schedules, [
      ["process", "Process"],
      ["cron", "Cron"],
      ["timeZone", "Time zone"],
      ["durationSeconds", "Window (s)"],
      ["min", "Min"],
      ["max", "Max"],
    ]);
  }
}

/** Sets one process type's policy; the others and every schedule stay as they are. */
export async function set(/** @type {Context} */ ctx) {
  const process = ctx.args[0];
  if (!process || ctx.args.length > 1)
    throw new UsageError("Give one process type, e.g. autoscale:set web --min 1 --max 5 --metric cpu --target 60.");
  const app = ctx.app();
  const api = ctx.api();
  const settings = await api.get(`${appPath(app)}/autoscale`);
  const current = settings.policies.find((/** @type {{ process: string }} */ p) => p.process === process);
  const min = numberFlag(ctx, "min") ?? current?.min;
  const max = numberFlag(ctx, "max") ?? current?.max;
  const target = numberFlag(ctx, "target") ?? current?.target ?? null;
  const stabilizationSeconds = numberFlag(ctx, "stabilization") ?? current?.stabilizationSeconds;
  const policy = {
    process,
    enabled: !ctx.flags.disable,
    min,
    max,
    metric: ctx.str("metric") ?? current?.metric ?? "cpu",
    target,
    ...(stabilizationSeconds === undefined ? {} : { stabilizationSeconds }),
  };
  const others = settings.policies
    .filter((/** @type {{ process: string, saved: boolean }} */ p) => p.saved && p.process !== process)
    .map((/** @type {Record<string, unknown>} */ { saved: _s, updatedAt: _u, ...p }) => p);
  const saved = await api.put(`${appPath(app)}/autoscale`, { policies: [...others, policy], schedules: settings.schedules });
  if (ctx.flags.json) return ctx.out.json(saved);
  const p = saved.policies.find((/** @type {{ process: string }} */ x) => x.process === process);
  ctx.out.line(
    p.enabled
      ? `Autoscaling ${process} of ${app} on ${p.metric} toward ${p.target}, ${p.min} to ${p.max} instances (scale-down after ${p.stabilizationSeconds} s).`
      : `Autoscaling of ${process} on ${app} is paused.`,
  );
}

export async function events(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const limit = numberFlag(ctx, "num") ?? 20;
  const { events } = await ctx.api().get(`${appPath(app)}/autoscale/events?limit=${encodeURIComponent(String(limit))}`);
  if (ctx.flags.json) return ctx.out.json(events);
  ctx.out.heading(`${app} Autoscaling decisions`);
  if (events.length === 0) return ctx.out.line("No decision yet.");
  ctx.out.table(
    events.map((/** @type {Record<string, unknown>} */ e) => ({ ...e, change: `${e.fromQuantity} → ${e.toQuantity}` })),
    [
      ["at", "At"],
      ["processType", "Process"],
      ["kind", "Decision"],
      ["change", "Instances"],
      ["reason", "Reason"],
    ],
  );
}
