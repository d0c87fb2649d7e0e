import { auditExportInput, auditForAppInput } from "../schemas/audit.ts";
import { authedProcedure, router } from "../trpc.ts";

export const auditRouter = router({
  forApp: authedProcedure.input(auditForAppInput).query(({ ctx, input }) => ctx.engine.audit.forApp(ctx.actor, input.app, input)),
  /** Platform admins: recompute the hash chain (the engine checks the role). */
  verify: authedProcedure.query(({ ctx }) => ctx.engine.audit.verify(ctx.actor)),
  /** Platform admins: the log (or a time window of it) as JSON entries or CSV text. */
  exportLog: authedProcedure.input(auditExportInput).query(({ ctx, input }) => ctx.engine.audit.export(ctx.actor, input)),
});
