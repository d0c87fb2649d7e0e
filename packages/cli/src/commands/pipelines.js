// @ts-check
// pipelines, pipelines:create, pipelines:info, pipelines:add, pipelines:remove, pipelines:diff,
// pipelines:promote, pipelines:destroy: apps grouped by stage, and promotion of a build (the same
// Nix store path, no rebuild) from one stage's app to the next stage's.
import { CliError, UsageError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */
/** @typedef {{ id: string, version: number, kind: string, storePath: string | null, buildNumber: number | null, commit: string | null, promotedFrom: { appName: string, version: number } | null }} ReleaseView */
/** @typedef {{ id: string, name: string, status: string, url: string | null, release: ReleaseView | null, configKeys: string[] }} StageApp */
/** @typedef {{ id: string, name: string, stages: { stage: string, apps: StageApp[] }[], reviewApps: { branch: string, app: { name: string } | null, status: string }[] }} PipelineView */

const pipelinePath = (/** @type {string} */ name) => `/pipelines/${encodeURIComponent(name)}`;

function one(/** @type {Context} */ ctx, /** @type {string} */ what) {
  const value = ctx.args[0];
  if (!value || ctx.args.length > 1) throw new UsageError(`Give one ${what}.`);
  return value;
}

/** -p PIPELINE, else the pipeline the app is in (looked up), else an error saying so. */
async function pipelineOf(/** @type {Context} */ ctx, /** @type {string} */ app) {
  const named = ctx.str("pipeline");
  if (named) return named;
  /** @type {{ pipelines: { name: string }[] }} */
  const { pipelines } = await ctx.api().get("/pipelines");
  for (const p of pipelines) {
    /** @type {PipelineView} */
    const view = await ctx.api().get(pipelinePath(p.name));
    if (view.stages.some((s) => s.apps.some((a) => a.name === app))) return p.name;
  }
  throw new CliError(`${app} is in no pipeline you can see. Add it with: skypanel pipelines:add ${app} -p PIPELINE --stage staging`);
}

function describeRelease(/** @type {ReleaseView | null} */ r) {
  if (!r) return "(no release)";
  const build = r.buildNumber !== null ? ` build #${r.buildNumber}` : "";
  const commit = r.commit ? ` ${r.commit.slice(0, 7)}` : "";
  const from = r.promotedFrom ? ` (promoted from v${r.promotedFrom.version} of ${r.promotedFrom.appName})` : "";
  return `v${r.version}${build}${commit}${from}`;
}

export async function list(/** @type {Context} */ ctx) {
  const { pipelines } = await ctx.api().get("/pipelines");
  if (ctx.flags.json) return ctx.out.json(pipelines);
  ctx.out.heading("Pipelines");
  if (pipelines.length === 0) return ctx.out.line("No pipelines. Make one with: skypanel pipelines:create NAME");
  ctx.out.table(pipelines, [
    ["name", "Name"],
    ["appCount", "Apps"],
    ["reviewAppCount", "Review apps"],
  ]);
}

export async function create(/** @type {Context} */ ctx) {
  const name = one(ctx, "pipeline name");
  const team = ctx.str("team");
  const made = await ctx.api().post("/pipelines", { name, ...(team ? { teamId: team } : {}) });
  if (ctx.flags.json) return ctx.out.json(made);
  ctx.out.line(`Created pipeline ${made.name}. Add apps with: skypanel pipelines:add APP -p ${made.name} --stage staging`);
}

export async function info(/** @type {Context} */ ctx) {
  const name = one(ctx, "pipeline name");
  /** @type {PipelineView} */
  const view = await ctx.api().get(pipelinePath(name));
  if (ctx.flags.json) return ctx.out.json(view);
  ctx.out.heading(`${view.name} Pipeline`);
  ctx.out.table(
    view.stages.flatMap((s) =>
      s.apps.map((a) => ({ stage: s.stage, app: a.name, release: describeRelease(a.release), status: a.status, url: a.url ?? "" })),
    ),
    [
      ["stage", "Stage"],
      ["app", "App"],
      ["release", "Release"],
      ["status", "Status"],
      ["url", "URL"],
    ],
  );
  if (view.reviewApps.length > 0)
    ctx.out.line(`Review apps: ${view.reviewApps.map((r) => `${r.app?.name ?? r.branch} (${r.status})`).join(", ")}`);
}

export async function add(/** @type {Context} */ ctx) {
  const app = one(ctx, "app");
  const pipeline = ctx.str("pipeline");
  if (!pipeline) throw new UsageError("Name the pipeline with -p PIPELINE.");
  const stage = ctx.str("stage");
  if (!stage || !["development", "staging", "production"].includes(stage))
    throw new UsageError("--stage is development, staging or production.");
  const put = await ctx.api().put(`${pipelinePath(pipeline)}/apps/${encodeURIComponent(app)}`, { stage });
  if (ctx.flags.json) return ctx.out.json(put);
  ctx.out.line(`${app} is at the ${stage} stage of ${pipeline}.`);
}

export async function remove(/** @type {Context} */ ctx) {
  const app = one(ctx, "app");
  const pipeline = await pipelineOf(ctx, app);
  const gone = await ctx.api().delete(`${pipelinePath(pipeline)}/apps/${encodeURIComponent(app)}`);
  if (ctx.flags.json) return ctx.out.json(gone);
  ctx.out.line(`${app} is out of ${pipeline} (the app itself is kept).`);
}

/** What a promotion from the app would do: the release, and each target's config keys compared. */
async function preview(/** @type {Context} */ ctx, /** @type {string} */ app) {
  const pipeline = await pipelineOf(ctx, app);
  const p = await ctx.api().get(`${pipelinePath(pipeline)}/promotions/preview`, { from: app });
  return { pipeline, preview: p };
}

function printPreview(/** @type {Context} */ ctx, /** @type {any} */ p) {
  ctx.out.line(`${p.from.app.name} runs ${describeRelease(p.from.release)}; the ${p.nextStage} stage has:`);
  for (const t of p.targets) {
    ctx.out.line(`  ${t.app.name}: now ${describeRelease(t.release)}, deploys ${t.strategy}`);
    const k = t.configKeys;
    if (k.onlyInSource.length) ctx.out.line(`    only in ${p.from.app.name}: ${k.onlyInSource.join(", ")}`);
    if (k.onlyInTarget.length) ctx.out.line(`    only in ${t.app.name}: ${k.onlyInTarget.join(", ")}`);
    if (!k.onlyInSource.length && !k.onlyInTarget.length) ctx.out.line("    the same config keys");
  }
}

export async function diff(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const { preview: p } = await preview(ctx, app);
  if (ctx.flags.json) return ctx.out.json(p);
  printPreview(ctx, p);
}

export async function promote(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const toFlag = ctx.str("to");
  const to =
    toFlag === undefined
      ? undefined
      : toFlag
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
  if (to && to.length === 0) throw new UsageError("--to takes app names separated by commas.");
  let confirm = ctx.str("confirm");
  // Refused before anything is sent: off a terminal nobody can be asked.
  if (confirm === undefined && !ctx.stdin.isTTY)
    throw new UsageError(`Promoting deploys to the next stage. Off a terminal, add --confirm ${app}.`);
  const { pipeline, preview: p } = await preview(ctx, app);
  if (confirm === undefined) {
    printPreview(ctx, p);
    const { ask } = await import("../prompt.js");
    confirm = await ask(ctx.stdin, ctx.stderr, `Type ${app} to promote it to ${to ? to.join(", ") : `every ${p.nextStage} app`}: `);
  }
  if (confirm !== app) throw new CliError(`"${confirm}" is not ${app}; nothing was promoted.`);
  ctx.out.status(`Promoting ${app} (${describeRelease(p.from.release)})...`);
  const done = await ctx.api().post(`${pipelinePath(pipeline)}/promotions`, { from: app, ...(to ? { to } : {}) });
  if (ctx.flags.json) return ctx.out.json(done);
  for (const m of done.promotions)
    ctx.out.line(`${m.app.name}: v${m.releaseVersion} deploying (skypanel releases -a ${m.app.name}; deployment ${m.deploymentId})`);
}

export async function destroy(/** @type {Context} */ ctx) {
  const name = one(ctx, "pipeline name");
  const confirm = ctx.str("confirm");
  if (confirm !== name)
    throw new CliError(
      confirm === undefined
        ? `This deletes the pipeline ${name} (its apps are kept). To proceed, run: skypanel pipelines:destroy ${name} --confirm ${name}`
        : `--confirm ${confirm} does not match the pipeline ${name}; nothing was deleted.`,
    );
  const gone = await ctx.api().delete(pipelinePath(name), { confirm });
  if (ctx.flags.json) return ctx.out.json(gone);
  ctx.out.line(`Destroyed pipeline ${name}; its apps are kept.`);
}
