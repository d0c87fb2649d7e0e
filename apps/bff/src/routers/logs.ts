import { tracked } from "@trpc/server";
import { z } from "zod";
import { appInput } from "../schemas/common.ts";
import { logQuery, logRetentionInput } from "../schemas/logs.ts";
import { authedProcedure, router } from "../trpc.ts";

export const logsRouter = router({
  query: authedProcedure.input(logQuery).query(({ ctx, input }) => ctx.engine.logs.query(ctx.actor, input.app, input)),
  /** How long and how much of its log the app keeps. */
  retention: authedProcedure.input(appInput).query(({ ctx, input }) => ctx.engine.logRetention.get(ctx.actor, input.app)),
  setRetention: authedProcedure
    .input(logRetentionInput)
    .mutation(({ ctx, input: { app, ...limits } }) => ctx.engine.logRetention.set(ctx.actor, app, limits)),
  resetRetention: authedProcedure.input(appInput).mutation(({ ctx, input }) => ctx.engine.logRetention.reset(ctx.actor, input.app)),
  /**
   * Lines as they come, in batches (a burst is one message, not hundreds); the event id is the
   * batch's last line id, so a reconnect resumes after it.
   */
  follow: authedProcedure.input(logQuery.extend({ lastEventId: z.string().max(20).nullish() })).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const afterId = input.lastEventId ? Number.parseInt(input.lastEventId, 10) || undefined : undefined;
    for await (const batch of ctx.engine.logs.followBatches(ctx.actor, input.app, { ...input, afterId }, signal)) {
      const last = batch[batch.length - 1];
      if (last) yield tracked(String(last.id), batch);
    }
  }),
});
