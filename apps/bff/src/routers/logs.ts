import { tracked } from "@trpc/server";
import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";
import { appRef } from "./apps.ts";

export const logQuery = z.object({
  app: appRef,
  tail: z.number().int().optional(),
  levels: z
    .array(z.enum(["debug", "info", "warn", "error"]))
    .max(4)
    .optional(),
  processType: z.string().max(63).optional(),
  instanceId: z.string().uuid().optional(),
  search: z.string().max(200).optional(),
  since: z.date().optional(),
  until: z.date().optional(),
});

export const logsRouter = router({
  query: authedProcedure.input(logQuery).query(({ ctx, input }) => ctx.engine.logs.query(ctx.actor, input.app, input)),
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
