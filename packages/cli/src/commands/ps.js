// @ts-check
// ps, ps:scale (scale), ps:restart (restart).
import { appPath } from "../api.js";
import { waitForDeployment } from "../deploy.js";
import { UsageError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */

/**
 * `web=2 worker=1` as `{ web: 2, worker: 1 }`; anything else is a usage error before sending.
 * @param {string[]} args
 */
export function parseScale(args) {
  if (args.length === 0) throw new UsageError("Give TYPE=N, e.g. web=2.");
  /** @type {Record<string, number>} */
  const changes = {};
  for (const arg of args) {
    const m = /^([A-Za-z0-9_-]+)=(\d{1,4})$/.exec(arg);
    if (!m) throw new UsageError(`"${arg}" is not TYPE=N (a process type and a whole number); nothing was changed.`);
    changes[/** @type {string} */ (m[1])] = Number(m[2]);
  }
  return changes;
}

export async function list(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const api = ctx.api();
  const [scale, { instances }] = await Promise.all([api.get(`${appPath(app)}/scale`), api.get(`${appPath(app)}/instances`)]);
  const live = instances.filter((/** @type {any} */ i) => i.status !== "stopped");
  if (ctx.flags.json) return ctx.out.json({ formation: scale.formation, instances: live });
  ctx.out.heading(`${app} formation`);
  ctx.out.line(
    Object.entries(scale.formation)
      .map(([type, n]) => `${type}=${n}`)
      .join(" "),
  );
  if (live.length === 0) return;
  ctx.out.line();
  ctx.out.heading("Instances");
  /** @type {Map<string, number>} */
  const counters = new Map();
  ctx.out.table(
    live.map((/** @type {any} */ i) => {
      const n = (counters.get(i.processType) ?? 0) + 1;
      counters.set(i.processType, n);
      return { ...i, name: `${i.processType}.${n}`, since: i.startedAt ?? i.createdAt };
    }),
    [
      ["name", "Instance"],
      ["status", "Status"],
      ["healthStatus", "Health"],
      ["since", "Since"],
      ["id", "Id"],
    ],
  );
}

export async function scale(/** @type {Context} */ ctx) {
  const changes = parseScale(ctx.args);
  const app = ctx.app();
  const res = await ctx.api().put(`${appPath(app)}/scale`, changes);
  if (ctx.flags.json) return ctx.out.json(res.formation);
  ctx.out.line(
    `Scaled ${app}: ${Object.entries(res.formation)
      .map(([type, n]) => `${type}=${n}`)
      .join(" ")}`,
  );
}

export async function restart(/** @type {Context} */ ctx) {
  if (ctx.args.length) throw new UsageError("ps:restart restarts every process type; it takes no arguments.");
  const app = ctx.app();
  const strategy = ctx.str("strategy");
  const queued = await ctx.api().post(`${appPath(app)}/restart`, strategy ? { strategy } : {});
  if (ctx.flags.wait !== false) await waitForDeployment(ctx.api(), app, queued.id, (s) => ctx.out.status(`  ${s}`));
  if (ctx.flags.json) return ctx.out.json(queued);
  ctx.out.status(`Restarted ${app}${ctx.flags.wait === false ? " (in progress)" : ""}`);
}
