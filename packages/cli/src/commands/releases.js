// @ts-check
// releases, releases:info, releases:rollback.
import { appPath } from "../api.js";
import { waitForDeployment } from "../deploy.js";
import { UsageError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */

/** `v3` or `3` → 3; anything else is a usage error. */
export function parseVersion(/** @type {string} */ text) {
  const m = /^v?(\d{1,9})$/i.exec(text.trim());
  if (!m) throw new UsageError(`"${text}" is not a release version like v3.`);
  return Number(m[1]);
}

export async function list(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const num = ctx.str("num");
  let releases = (await ctx.api().get(`${appPath(app)}/releases`)).releases;
  if (num !== undefined) releases = releases.slice(0, parseVersion(num));
  if (ctx.flags.json) return ctx.out.json(releases);
  ctx.out.heading(`${app} Releases`);
  ctx.out.table(
    releases.map((/** @type {any} */ r) => ({ ...r, v: `v${r.version}` })),
    [
      ["v", "Version"],
      ["kind", "Kind"],
      ["description", "Description"],
      ["createdAt", "Created"],
    ],
  );
}

export async function info(/** @type {Context} */ ctx) {
  const app = ctx.app();
  let version = ctx.args[0];
  if (!version) {
    const current = await ctx.api().get(appPath(app));
    const release = current.releases?.find((/** @type {any} */ r) => r.id === current.currentReleaseId);
    if (!release) throw new UsageError(`${app} has no current release; name one (releases:info v1).`);
    version = String(release.version);
  }
  const release = await ctx.api().get(`${appPath(app)}/releases/v${parseVersion(version)}`);
  if (ctx.flags.json) return ctx.out.json(release);
  ctx.out.heading(`Release v${release.version}`);
  ctx.out.pairs([
    ["Version", `v${release.version}`],
    ["Kind", release.kind],
    ["Description", release.description],
    [
      "Processes",
      Object.entries(release.processes ?? {})
        .map(([k, v]) => `${k}: ${v}`)
        .join("; "),
    ],
    ["Config", Object.keys(release.configSnapshot ?? {}).join(", ")],
    ["Created", release.createdAt],
  ]);
}

export async function rollback(/** @type {Context} */ ctx) {
  const app = ctx.app();
  /** @type {Record<string, unknown>} */
  const body = {};
  if (ctx.args[0]) body.release = parseVersion(ctx.args[0]);
  const strategy = ctx.str("strategy");
  if (strategy) body.strategy = strategy;
  const queued = await ctx.api().post(`${appPath(app)}/rollback`, body);
  if (ctx.flags.wait === false) {
    if (ctx.flags.json) return ctx.out.json(queued);
    return ctx.out.status(`Rolling back ${app}: deployment ${queued.id} queued`);
  }
  const dep = await waitForDeployment(ctx.api(), app, queued.id, (s) => ctx.out.status(`  ${s}`));
  const releases = (await ctx.api().get(`${appPath(app)}/releases`)).releases;
  const made = releases.find((/** @type {any} */ r) => r.id === dep.releaseId);
  if (ctx.flags.json) return ctx.out.json({ deployment: dep, release: made ?? null });
  ctx.out.line(`Rolled back ${app}: ${made ? `v${made.version} (${made.description})` : "done"}`);
}
