import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";
import { appRef } from "./apps.ts";

// Generous: the engine checks the name itself and says what is wrong with it.
const domain = z.string().max(1000);

export const domainsRouter = router({
  list: authedProcedure.input(z.object({ app: appRef })).query(({ ctx, input }) => ctx.engine.domains.list(ctx.actor, input.app)),
  add: authedProcedure
    .input(z.object({ app: appRef, domain }))
    .mutation(({ ctx, input }) => ctx.engine.domains.add(ctx.actor, input.app, input.domain)),
  /** Checks the domain's DNS now; the answer carries dnsStatus and, unless ok, what to fix. */
  check: authedProcedure
    .input(z.object({ app: appRef, domain }))
    .mutation(({ ctx, input }) => ctx.engine.domains.check(ctx.actor, input.app, input.domain)),
  /** HSTS on the domain's HTTPS answers (Strict-Transport-Security: max-age one year); off by default. */
  setHsts: authedProcedure
    .input(z.object({ app: appRef, domain, hsts: z.boolean() }))
    .mutation(({ ctx, input }) => ctx.engine.domains.setHsts(ctx.actor, input.app, input.domain, input.hsts)),
  remove: authedProcedure
    .input(z.object({ app: appRef, domain }))
    .mutation(({ ctx, input }) => ctx.engine.domains.remove(ctx.actor, input.app, input.domain)),
});
