// @ts-check
// The Heroku API token for `migrate:*`. Never a flag (a flag shows in `ps` and shell history):
// HEROKU_API_KEY, else a hidden prompt on a terminal, else stdin with --heroku-token-stdin.
// It goes only into request bodies, and an error that echoes it is printed with it blanked.
import { CliError, UsageError } from "./errors.js";

/** @typedef {import("./context.js").Context} Context */

const MISSING =
  "No Heroku token. Set HEROKU_API_KEY (export HEROKU_API_KEY=$(heroku auth:token)), run this on a terminal to be asked for it, " +
  "or pipe it in with --heroku-token-stdin. There is no --heroku-token flag: a token on the command line shows in ps and shell history.";

/** @returns {Promise<string>} */
export async function herokuToken(/** @type {Context} */ ctx) {
  if (ctx.config.herokuApiKey) return ctx.config.herokuApiKey;
  let token = "";
  if (ctx.stdin.isTTY) {
    const { askHidden } = await import("./prompt.js");
    token = await askHidden(ctx.stdin, ctx.stderr, "Heroku API token (heroku auth:token prints it; input hidden): ");
  } else if (ctx.flags["heroku-token-stdin"]) {
    const { readAll } = await import("./prompt.js");
    token = (await readAll(ctx.stdin)).trim().split(/\s+/)[0] ?? "";
  }
  token = token.trim();
  if (!token) throw new UsageError(MISSING);
  return token;
}

/**
 * Runs `work` with the token; an error whose message holds the token (a proxy's page or a
 * validation message that echoes the request) is rethrown with the token blanked out.
 * @template T
 * @param {Context} ctx
 * @param {(token: string) => Promise<T>} work
 * @returns {Promise<T>}
 */
export async function withHerokuToken(ctx, work) {
  const token = await herokuToken(ctx);
  try {
    return await work(token);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.includes(token)) throw err;
    const message = err.message.replaceAll(token, "[Heroku token]");
    if (err instanceof UsageError) throw new UsageError(message);
    throw new CliError(message, err instanceof CliError ? err.exitCode : 1);
  }
}
