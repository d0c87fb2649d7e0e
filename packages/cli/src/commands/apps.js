// @ts-check
// apps, apps:create, apps:info, apps:rename, apps:destroy.
import { appPath } from "../api.js";
import { appFromGitRemote, git, inGitRepo, REMOTE, remoteUrlFor, setGitRemote } from "../app-name.js";
import { CliError, UsageError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */

/** Every app the account sees, page by page. */
export async function list(/** @type {Context} */ ctx) {
  const api = ctx.api();
  /** @type {Record<string, unknown>[]} */
  const apps = [];
  for (let page = 1; ; page++) {
    const res = await api.get("/apps", { page, perPage: 100, sort: "name" });
    apps.push(...res.apps);
    if (apps.length >= res.total || res.apps.length === 0) break;
  }
  if (ctx.flags.json) return ctx.out.json(apps);
  ctx.out.heading(`Apps (${apps.length})`);
  ctx.out.table(apps, [
    ["name", "Name"],
    ["status", "Status"],
    ["role", "Role"],
    ["updatedAt", "Updated"],
  ]);
}

const ADJECTIVES = ["amber", "brisk", "calm", "dusky", "eager", "frosty", "gentle", "hidden", "lively", "misty", "quiet", "sunny"];
const NOUNS = ["brook", "cloud", "dune", "falcon", "garden", "harbor", "meadow", "pine", "river", "summit", "valley", "wave"];
const pick = (/** @type {string[]} */ words) => words[Math.floor(Math.random() * words.length)] ?? "app";

/** A Heroku-style name for an app created without one. */
export function generatedName() {
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${String(Math.floor(Math.random() * 10000)).padStart(4, "0")}`;
}

export async function create(/** @type {Context} */ ctx) {
  const name = ctx.args[0] ?? generatedName();
  if (ctx.args.length > 1) throw new UsageError("apps:create takes one name.");
  ctx.out.status(`Creating ${name}...`);
  const app = await ctx.api().post("/apps", { name, ...(ctx.str("team") ? { teamId: ctx.str("team") } : {}) });
  // Like Heroku: in a repository without a skypanel remote, add one for the new app.
  let remote = null;
  if (ctx.flags.remote !== false && inGitRepo(ctx.cwd) && !appFromGitRemote(ctx.cwd)) {
    remote = remoteUrlFor(ctx.config.url, app.name);
    setGitRemote(ctx.cwd, remote);
  }
  if (ctx.flags.json) return ctx.out.json(app);
  ctx.out.line(`${ctx.out.green("Created")} ${ctx.out.bold(app.name)}${app.url ? ` | ${app.url}` : ""}`);
  ctx.out.line(`Git remote: ${remoteUrlFor(ctx.config.url, app.name)}${remote ? ` (added as ${REMOTE})` : ""}`);
}

export async function info(/** @type {Context} */ ctx) {
  const app = await ctx.api().get(appPath(ctx.app()));
  if (ctx.flags.json) return ctx.out.json(app);
  const current = Array.isArray(app.releases) ? app.releases.find((/** @type {any} */ r) => r.id === app.currentReleaseId) : null;
  const instances = Array.isArray(app.instances) ? app.instances : [];
  ctx.out.heading(app.name);
  ctx.out.pairs([
    ["Name", app.name],
    ["Status", app.status],
    ["URL", app.url ?? ""],
    ["Git URL", remoteUrlFor(ctx.config.url, app.name)],
    ["Release", current ? `v${current.version}` : "none"],
    ["Instances", instances.filter((/** @type {any} */ i) => i.status === "running").length],
    ["Domains", Array.isArray(app.domains) ? app.domains.map((/** @type {any} */ d) => d.hostname).join(", ") : ""],
    ["Role", app.role],
    ["Description", app.description ?? ""],
    ["Created", app.createdAt],
  ]);
}

export async function rename(/** @type {Context} */ ctx) {
  const to = ctx.args[0];
  if (!to || ctx.args.length > 1) throw new UsageError("apps:rename takes the new name.");
  const from = ctx.app();
  const app = await ctx.api().patch(appPath(from), { name: to });
  // A remote that named the old app would now point nowhere.
  if (appFromGitRemote(ctx.cwd) === from) setGitRemote(ctx.cwd, remoteUrlFor(ctx.config.url, app.name));
  if (ctx.flags.json) return ctx.out.json(app);
  ctx.out.line(`Renamed ${from} to ${ctx.out.bold(app.name)}`);
}

export async function destroy(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const confirm = ctx.str("confirm");
  // Refused before anything is sent: a typo must not delete the wrong app.
  if (confirm !== app) {
    throw new CliError(
      confirm === undefined
        ? `This deletes ${app}, its releases and the add-ons it owns. To proceed, run: skypanel apps:destroy -a ${app} --confirm ${app}`
        : `--confirm ${confirm} does not match the app ${app}; nothing was deleted.`,
    );
  }
  ctx.out.status(`Destroying ${app} (including its add-ons)...`);
  await ctx.api().delete(appPath(app));
  // Like Heroku: the repository's remote to the deleted app goes too.
  if (appFromGitRemote(ctx.cwd) === app) git(ctx.cwd, ["remote", "remove", REMOTE]);
  ctx.out.line(`Destroyed ${app}`);
}
