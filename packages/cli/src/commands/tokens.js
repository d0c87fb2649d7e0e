// @ts-check
// tokens, tokens:create, tokens:revoke: API tokens for CI and scripts, each with a scope.
import { UsageError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */

const SCOPES = ["read", "deploy", "admin"];

export async function list(/** @type {Context} */ ctx) {
  const { tokens } = await ctx.api().get("/tokens");
  if (ctx.flags.json) return ctx.out.json(tokens);
  ctx.out.heading("API Tokens");
  if (tokens.length === 0) return ctx.out.line("No API tokens. Make one with: skypanel tokens:create NAME --scope read");
  ctx.out.table(tokens, [
    ["name", "Name"],
    ["scope", "Scope"],
    ["prefix", "Prefix"],
    ["expiresAt", "Expires"],
    ["lastUsedAt", "Last used"],
    ["id", "Id"],
  ]);
}

export async function create(/** @type {Context} */ ctx) {
  const name = ctx.args[0];
  if (!name || ctx.args.length > 1) throw new UsageError("Give one token name.");
  const scope = ctx.str("scope") ?? "read";
  if (!SCOPES.includes(scope)) throw new UsageError(`--scope is one of ${SCOPES.join(", ")}.`);
  const days = ctx.str("expires-in-days");
  const expiresInDays = days === undefined ? null : Number(days);
  if (expiresInDays !== null && !Number.isInteger(expiresInDays)) throw new UsageError("--expires-in-days is a whole number of days.");
  const made = await ctx.api().post("/tokens", { name, scope, expiresInDays });
  if (ctx.flags.json) return ctx.out.json(made);
  ctx.out.line(`Created token ${made.name} with the ${made.scope} scope. It is shown this once:`);
  ctx.out.line(made.token);
}

export async function revoke(/** @type {Context} */ ctx) {
  const id = ctx.args[0];
  if (!id || ctx.args.length > 1) throw new UsageError("Give one token id (see skypanel tokens).");
  await ctx.api().delete(`/tokens/${encodeURIComponent(id)}`);
  ctx.out.line(`Revoked token ${id}`);
}
