import { appInput } from "../schemas/common.ts";
import { domainHstsInput, domainInput } from "../schemas/domains.ts";
import { authedProcedure, router } from "../trpc.ts";

export const domainsRouter = router({
  list: authedProcedure.input(appInput).query(({ ctx, input }) => ctx.engine.domains.list(ctx.actor, input.app)),
  add: authedProcedure.input(domainInput).mutation(({ ctx, input }) => ctx.engine.domains.add(ctx.actor, input.app, input.domain)),
  /** Checks the domain's DNS now; the answer carries dnsStatus and, unless ok, what to fix. */
  check: authedProcedure.input(domainInput).mutation(({ ctx, input }) => ctx.engine.domains.check(ctx.actor, input.app, input.domain)),
  /** HSTS on the domain's HTTPS answers (Strict-Transport-Security: max-age one year); off by default. */
  setHsts: authedProcedure
    .input(domainHstsInput)
    .mutation(({ ctx, input }) => ctx.engine.domains.setHsts(ctx.actor, input.app, input.domain, input.hsts)),
  remove: authedProcedure.input(domainInput).mutation(({ ctx, input }) => ctx.engine.domains.remove(ctx.actor, input.app, input.domain)),
});
