// @ts-check
// login, logout, auth:whoami. The token lives in ~/.netrc under the platform's host name, as
// Heroku keeps it, so `git push` to the platform can use it too.
import { Api } from "../api.js";
import { machineOf } from "../config.js";
import { CliError, UsageError } from "../errors.js";
import { readNetrcEntry, removeNetrcEntry, writeNetrcEntry } from "../netrc.js";

/** @typedef {import("../context.js").Context} Context */

/** Session tokens (from email and password) can be ended server-side; API tokens are revoked on the Account page. */
const SESSION_PREFIX = "sps_";

export async function login(/** @type {Context} */ ctx) {
  const { config, out } = ctx;
  let token = ctx.str("token");
  if (token === undefined && ctx.stdin.isTTY) {
    const { ask, askHidden } = await import("../prompt.js");
    out.status(`Log in to SkyPanel at ${config.url}`);
    const email = await ask(ctx.stdin, ctx.stderr, "Email: ");
    const password = await askHidden(ctx.stdin, ctx.stderr, "Password: ");
    const api = new Api(config.url, null);
    const answer = await api.post("/auth/login", { email, password });
    if (answer.mfaRequired) {
      // The password was right; the account asks for a second factor.
      const code = await ask(ctx.stdin, ctx.stderr, "Code from your authenticator app (or a recovery code): ");
      token = (await api.post("/auth/login/mfa", { challenge: answer.challenge, code })).token;
    } else token = answer.token;
  } else if (token === undefined) {
    const { readAll } = await import("../prompt.js");
    token = (await readAll(ctx.stdin)).trim().split(/\s+/)[0];
  }
  if (!token) throw new UsageError("No token: give --token TOKEN, pipe one on stdin, or run login on a terminal.");
  // Check it before storing: a typo should fail here, not at the next command.
  const session = await new Api(config.url, token).get("/auth/session");
  if (!session?.user) throw new CliError(`That token is not valid at ${config.url} (expired or revoked?).`);
  writeNetrcEntry(config.netrcPath, machineOf(config.url), { login: session.user.email ?? "api", password: token });
  out.line(`Logged in as ${out.bold(session.user.email)}`);
  if (config.apiKey) out.warn("SKYPANEL_API_KEY is set and wins over the stored token.");
}

export async function logout(/** @type {Context} */ ctx) {
  const { config, out } = ctx;
  const machine = machineOf(config.url);
  const entry = readNetrcEntry(config.netrcPath, machine);
  if (entry?.password.startsWith(SESSION_PREFIX)) {
    // Best effort: the entry goes either way, and a dead server must not keep it.
    await new Api(config.url, entry.password).post("/auth/logout").catch(() => out.warn("Could not end the session on the server."));
  }
  const removed = removeNetrcEntry(config.netrcPath, machine);
  out.line(removed ? `Logged out of ${machine}` : `Not logged in to ${machine}`);
}

export async function whoami(/** @type {Context} */ ctx) {
  const session = await ctx.api().get("/auth/session");
  if (!session?.user) throw new CliError("Not logged in: run `skypanel login` or set SKYPANEL_API_KEY.");
  if (ctx.flags.json) return ctx.out.json(session.user);
  ctx.out.line(session.user.email);
}
