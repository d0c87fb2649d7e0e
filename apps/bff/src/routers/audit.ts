import { auditForAppInput } from "../schemas/audit.ts";
import { authedProcedure, router } from "../trpc.ts";

export const auditRouter = router({
  forApp: authedProcedure.input(auditForAppInput).query(({ ctx, input }) => ctx.engine.audit.forApp(ctx.actor, input.app, input)),
});
