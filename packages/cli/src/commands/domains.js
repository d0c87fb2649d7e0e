// @ts-check
// domains, domains:add, domains:remove.
import { appPath } from "../api.js";
import { UsageError } from "../errors.js";

/** @typedef {import("../context.js").Context} Context */

const one = (/** @type {Context} */ ctx) => {
  const host = ctx.args[0];
  if (!host || ctx.args.length > 1) throw new UsageError("Give one HOSTNAME.");
  return host;
};

export async function list(/** @type {Context} */ ctx) {
  const app = ctx.app();
  const { domains } = await ctx.api().get(`${appPath(app)}/domains`);
  if (ctx.flags.json) return ctx.out.json(domains);
  ctx.out.heading(`${app} Custom Domains`);
  ctx.out.table(domains, [
    ["hostname", "Domain"],
    ["dnsStatus", "DNS"],
    ["tlsStatus", "TLS"],
    ["hsts", "HSTS"],
  ]);
}

export async function add(/** @type {Context} */ ctx) {
  const host = one(ctx);
  const app = ctx.app();
  const domain = await ctx.api().post(`${appPath(app)}/domains`, { domain: host });
  if (ctx.flags.json) return ctx.out.json(domain);
  ctx.out.line(
    `Added ${domain.hostname ?? host} to ${app}. Point its DNS (a CNAME) at ${app}'s address, then check with: skypanel domains -a ${app}`,
  );
}

export async function remove(/** @type {Context} */ ctx) {
  const host = one(ctx);
  const app = ctx.app();
  await ctx.api().delete(`${appPath(app)}/domains/${encodeURIComponent(host)}`);
  ctx.out.line(`Removed ${host} from ${app}`);
}
