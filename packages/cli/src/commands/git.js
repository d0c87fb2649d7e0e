// @ts-check
// git:remote: the `skypanel` remote that `git push skypanel main` deploys through.
import { appPath } from "../api.js";
import { inGitRepo, REMOTE, remoteUrlFor, setGitRemote } from "../app-name.js";
import { CliError, UsageError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */

export async function remote(/** @type {Context} */ ctx) {
  const app = ctx.str("app");
  if (!app) throw new UsageError("Name the app: skypanel git:remote -a APP.");
  if (!inGitRepo(ctx.cwd)) throw new CliError(`${ctx.cwd} is not in a git repository (git init first).`);
  // The app must exist and be yours: a remote to nowhere fails only at push time otherwise.
  await ctx.api().get(appPath(app));
  const name = ctx.str("remote") ?? REMOTE;
  const url = remoteUrlFor(ctx.config.url, app);
  const how = setGitRemote(ctx.cwd, url, name);
  ctx.out.line(`${how === "added" ? "Added" : "Updated"} git remote ${name}: ${url}`);
}
