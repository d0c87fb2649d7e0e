// @ts-check
// migrate:analyze, migrate:plan, migrate:execute, migrate:verify, migrate:rollback: an app moved
// off Heroku by the platform's importer (POST /api/imports/heroku…), watched from here.
import { CliError, UsageError } from "../errors.js";
import { withHerokuToken } from "../heroku-token.js";
import { addonData, emptiedAddons, herokuPairs, herokuSummary, noDataRefs, printPlan, withEmptied } from "../import-plan.js";
import { followImport, importPath } from "../import-progress.js";

/** @typedef {import("../context.js").Context} Context */
/** @typedef {import("../import-plan.js").ImportPlan} ImportPlan */
/** @typedef {import("../import-progress.js").ImportView} ImportView */

/** A rollback that has not finished by then is left to `migrate:verify`. */
const ROLLBACK_DEADLINE_MS = 15 * 60_000;

/** The Heroku app argument (a name or id), checked before a token is asked for. */
function herokuApp(/** @type {Context} */ ctx) {
  if (ctx.args.length > 1) throw new UsageError(`${ctx.name} takes one Heroku app.`);
  const app = ctx.args[0];
  if (app === undefined) return undefined;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(app)) throw new UsageError(`"${app.slice(0, 80)}" is not a Heroku app name.`);
  return app;
}

function requiredHerokuApp(/** @type {Context} */ ctx) {
  const app = herokuApp(ctx);
  if (!app) throw new UsageError("Give the Heroku app (skypanel migrate:analyze lists the ones your token sees).");
  return app;
}

/** What --name, --git and --ref ask of the importer: plan and execute send the same. */
function importRequest(/** @type {Context} */ ctx, /** @type {string} */ app) {
  const name = ctx.str("name");
  const git = ctx.str("git");
  const ref = ctx.str("ref");
  if (ref !== undefined && git === undefined) throw new UsageError("--ref names a branch, tag or commit of --git URL; give --git too.");
  if (git === "") throw new UsageError("--git needs the repository's URL.");
  return {
    herokuApp: app,
    ...(name ? { name } : {}),
    ...(git ? { source: { kind: "git", url: git, ...(ref ? { ref } : {}) } } : {}),
  };
}

const PLAN = "/imports/heroku/plan";

/**
 * The importer's plan for the command line's app and flags, and what --no-data makes of it: the
 * add-ons it empties and the `addonData` (the add-ons whose data comes) to ask for instead.
 * @param {Context} ctx
 * @param {Record<string, unknown>} request
 * @returns {Promise<{ plan: ImportPlan, emptied: string[], addonData: string[] | undefined }>}
 */
async function readPlan(ctx, request) {
  /** @type {ImportPlan} */
  const plan = await ctx.api().post(PLAN, request);
  const refs = noDataRefs(ctx);
  if (refs.length === 0) return { plan, emptied: [], addonData: undefined };
  const emptied = emptiedAddons(plan, refs);
  return { plan, emptied, addonData: addonData(plan, emptied) };
}

export async function analyze(/** @type {Context} */ ctx) {
  const app = herokuApp(ctx);
  const { out } = ctx;
  return withHerokuToken(ctx, async (herokuToken) => {
    if (!app) {
      const { apps } = await ctx.api().post("/imports/heroku/apps", { herokuToken });
      if (ctx.flags.json) return out.json(apps);
      out.heading(`Heroku apps (${apps.length})`);
      out.table(apps, [
        ["name", "Name"],
        ["stack", "Stack"],
        ["region", "Region"],
        ["updatedAt", "Updated"],
      ]);
      if (apps.length === 0) out.status("The token sees no Heroku apps.");
      return;
    }
    /** @type {ImportPlan} */
    const plan = await ctx.api().post(PLAN, { herokuApp: app, herokuToken });
    if (ctx.flags.json) return out.json(herokuSummary(plan));
    out.heading(`${plan.heroku.name} on Heroku`);
    out.pairs(herokuPairs(plan));
    out.status(`skypanel migrate:plan ${app} shows what it becomes on SkyPanel.`);
  });
}

export async function plan(/** @type {Context} */ ctx) {
  const request = importRequest(ctx, requiredHerokuApp(ctx));
  return withHerokuToken(ctx, async (herokuToken) => {
    const body = { ...request, herokuToken };
    const { plan: first, emptied, addonData: data } = await readPlan(ctx, body);
    // Asked again with --no-data's choice, so the plan's sentences say which data comes.
    const planned = data ? withEmptied(await ctx.api().post(PLAN, { ...body, addonData: data }), emptied) : first;
    if (ctx.flags.json) return ctx.out.json(planned);
    printPlan(ctx, planned, emptied);
    ctx.out.status(`skypanel migrate:execute ${request.herokuApp}, with the same flags, runs it.`);
  });
}

export async function execute(/** @type {Context} */ ctx) {
  const request = importRequest(ctx, requiredHerokuApp(ctx));
  const { out } = ctx;
  const id = await withHerokuToken(ctx, async (herokuToken) => {
    /** @type {Record<string, unknown>} */
    const body = { ...request, herokuToken };
    // The importer takes the add-ons whose data comes: with --no-data, the plan says which there are.
    if (noDataRefs(ctx).length) body.addonData = (await readPlan(ctx, body)).addonData;
    const started = await ctx.api().post("/imports/heroku", body);
    return /** @type {string} */ (started.id);
  });
  if (ctx.flags.wait === false) {
    if (ctx.flags.json) out.json({ id });
    else out.line(id);
    out.status(`Import ${id} started; skypanel migrate:verify ${id} shows how it goes.`);
    return;
  }
  out.status(`Importing Heroku app ${request.herokuApp} (import ${id}; Ctrl-C stops watching, not the import)...`);
  const view = await followImport(ctx, id, { done: (v) => v.status !== "running" });
  if (ctx.flags.json) out.json(view);
  if (view.status !== "succeeded") throw new CliError(`The import ${ended(view)}`);
  if (ctx.flags.json) return;
  out.line(`Imported ${view.source} as ${out.bold(view.app.name)}${view.url ? `: ${view.url}` : ""}`);
  if (view.dns.length) {
    out.line();
    out.line("Make these DNS records for the domains to reach it:");
    out.table(view.dns, [
      ["hostname", "Hostname"],
      ["type", "Type"],
      ["target", "Target"],
    ]);
  }
}

/** `failed: why` or `was rolled back: why`. */
function ended(/** @type {ImportView} */ view) {
  const how = { running: "is still running", succeeded: "succeeded", failed: "failed", rolled_back: "was rolled back" }[view.status];
  return `${how ?? view.status}${view.error ? `: ${view.error}` : "."}`;
}

export async function verify(/** @type {Context} */ ctx) {
  if (ctx.args.length > 1) throw new UsageError("migrate:verify takes one import id.");
  const id = /** @type {string} */ (ctx.args[0]);
  /** @type {ImportView} */
  const view = await ctx.api().get(importPath(id));
  const { out } = ctx;
  if (ctx.flags.json) out.json(view);
  else {
    out.heading(`Import ${view.id}`);
    out.pairs([
      ["App", view.app.name],
      ["From", view.source],
      ["Status", view.status],
      ["URL", view.url ?? ""],
      ["Error", view.error ?? ""],
      ["Started", view.createdAt],
      ["Finished", view.finishedAt ?? ""],
    ]);
    out.line();
    out.table(view.steps, [
      ["name", "Step"],
      ["status", "Status"],
      ["detail", "Detail"],
    ]);
  }
  const check = view.steps.find((s) => s.name === "verify");
  if (view.status !== "succeeded") throw new CliError(`The import ${ended(view)}`);
  if (!check) throw new CliError("The import has no verify step.");
  if (check.status !== "succeeded") throw new CliError(`The verify step ${check.status}${check.detail ? `: ${check.detail}` : "."}`);
  if (!ctx.flags.json) out.status(`Verified: ${view.app.name}${view.url ? ` answers at ${view.url}` : ""}.`);
}

export async function rollback(/** @type {Context} */ ctx) {
  if (ctx.args.length > 1) throw new UsageError("migrate:rollback takes one import id.");
  const id = /** @type {string} */ (ctx.args[0]);
  const path = importPath(id);
  const { out } = ctx;
  let confirm = ctx.str("confirm");
  if (confirm === undefined) {
    // Refused before anything is sent: off a terminal nobody can be asked.
    if (!ctx.stdin.isTTY) {
      throw new UsageError(`Rolling back deletes the app import ${id} made. Off a terminal, add --confirm APP (that app's name).`);
    }
    /** @type {ImportView} */
    const view = await ctx.api().get(path);
    out.warn(`This undoes import ${id} (${view.source}): it deletes the SkyPanel app ${view.app.name} and what the import made for it.`);
    const { ask } = await import("../prompt.js");
    confirm = await ask(ctx.stdin, ctx.stderr, `Type ${view.app.name} to confirm: `);
    if (confirm !== view.app.name) throw new CliError(`"${confirm}" is not ${view.app.name}; nothing was rolled back.`);
  }
  out.status(`Rolling back import ${id}...`);
  /** @type {ImportView} */
  const first = await ctx.api().post(`${path}/rollback`, { confirm });
  const view = await followImport(ctx, id, { first, done: (v) => v.status === "rolled_back", deadlineMs: ROLLBACK_DEADLINE_MS });
  if (ctx.flags.json) return out.json(view);
  out.line(`Rolled back import ${id}: ${view.app.name} is gone`);
}
