// @ts-check
// schedules, schedules:add, schedules:remove, schedules:runs, schedules:run: an app's scheduled
// jobs. The platform checks the cron schedule, the time zone and the command and says what is wrong.
import { appPath } from "../api.js";
import { UsageError } from "../errors.js";
import { commandLine } from "./run.js";

/** @typedef {import("../context.js").Context} Context */

const UNITS = { s: 1, m: 60, h: 3600 };

/** "90", "90s", "10m", "2h" → seconds; anything else is a usage error. */
export function durationSeconds(/** @type {string} */ text) {
  const m = /^(\d{1,6})([smh]?)$/.exec(text.trim());
  if (!m) throw new UsageError(`--timeout takes a duration such as 90s, 10m or 2h, not "${text}".`);
  return Number(m[1]) * UNITS[/** @type {keyof typeof UNITS} */ (m[2] || "s")];
}

/** @param {Context} ctx */
const jobName = (ctx) => {
  const name = ctx.args[0];
  if (!name || ctx.args.length > 1) throw new UsageError("Give one job NAME (see: skypanel schedules).");
  return name;
};
const jobPath = (/** @type {string} */ app, /** @type {string} */ name) => `${appPath(app)}/schedules/${encodeURIComponent(name)}`;
const when = (/** @type {string | null | undefined} */ iso) => (iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "");

export async function list(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const { jobs, runtimeEnabled } = await ctx.api().get(`${appPath(app)}/schedules`);
  if (ctx.flags.json) return ctx.out.json(jobs);
  ctx.out.heading(`${app} Scheduled Jobs`);
  ctx.out.table(
    jobs.map((/** @type {Record<string, any>} */ j) => ({
      ...j,
      when: `${j.schedule} (${j.timezone})`,
      next: j.enabled ? when(j.nextRunsAt[0]) : "disabled",
      timeout: `${j.timeoutSeconds}s`,
    })),
    [
      ["name", "Name"],
      ["when", "Schedule"],
      ["command", "Command"],
      ["overlap", "Overlap"],
      ["timeout", "Timeout"],
      ["next", "Next run"],
    ],
  );
  if (!runtimeEnabled) ctx.out.line("This platform runs no apps (no runtime): the jobs are kept but do not run.");
}

export async function add(/** @type {Context} */ ctx) {
  const [name, ...command] = ctx.args;
  if (!name)
    throw new UsageError('Give the job NAME, then -- and the command, e.g. schedules:add nightly --cron "0 3 * * *" -- bin/cleanup.');
  if (command.length === 0) throw new UsageError("Give the command after --, e.g. -- node tasks/cleanup.js.");
  const schedule = ctx.str("cron");
  if (!schedule) throw new UsageError('Give the schedule with --cron, e.g. --cron "*/15 * * * *".');
  const tz = ctx.str("tz");
  const timeout = ctx.str("timeout");
  const overlap = ctx.str("overlap");
  const app = ctx.app();
  const job = await ctx.api().post(`${appPath(app)}/schedules`, {
    name,
    command: commandLine(command),
    schedule,
    ...(tz ? { timezone: tz } : {}),
    ...(timeout ? { timeoutSeconds: durationSeconds(timeout) } : {}),
    ...(overlap ? { overlap } : {}),
  });
  if (ctx.flags.json) return ctx.out.json(job);
  ctx.out.line(`Added ${job.name} to ${app}: ${job.schedule} (${job.timezone}), next run ${when(job.nextRunsAt[0])}.`);
}

export async function remove(/** @type {Context} */ ctx) {
  const name = jobName(ctx);
  const app = ctx.app();
  await ctx.api().delete(jobPath(app, name));
  ctx.out.line(`Removed the scheduled job ${name} from ${app}.`);
}

export async function runs(/** @type {Context} */ ctx) {
  const name = jobName(ctx);
  const limit = ctx.str("limit");
  if (limit !== undefined && !/^\d{1,3}$/.test(limit)) throw new UsageError(`--limit takes a number, not "${limit}".`);
  const app = ctx.app();
  const { runs } = await ctx.api().get(`${jobPath(app, name)}/runs${limit ? `?limit=${limit}` : ""}`);
  if (ctx.flags.json) return ctx.out.json(runs);
  ctx.out.heading(`${app} ${name} Runs`);
  ctx.out.table(
    runs.map((/** @type {Record<string, any>} */ r) => ({
      ...r,
      due: r.scheduledFor ? when(r.scheduledFor) : "by hand",
      started: when(r.startedAt),
      took: r.durationMs === null ? "" : `${(r.durationMs / 1000).toFixed(1)}s`,
      exit: r.exitCode ?? "",
      note: r.reason ?? "",
    })),
    [
      ["due", "Due"],
      ["status", "Status"],
      ["exit", "Exit"],
      ["started", "Started"],
      ["took", "Took"],
      ["oneOffId", "One-off (logs -s instance:ID)"],
      ["note", "Note"],
    ],
  );
}

export async function runNow(/** @type {Context} */ ctx) {
  const name = jobName(ctx);
  const app = ctx.app();
  const run = await ctx.api().post(`${jobPath(app, name)}/runs`, {});
  if (ctx.flags.json) return ctx.out.json(run);
  ctx.out.line(`Started ${name} on ${app}; its output goes to the app's logs (one-off ${run.oneOffId ?? "?"}).`);
}
