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
  /** New lines as they come; the event id is the line id, so a reconnect resumes after it. */
  follow: authedProcedure.input(logQuery.extend({ lastEventId: z.string().max(20).nullish() })).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const afterId = input.lastEventId ? Number.parseInt(input.lastEventId, 10) || undefined : undefined;
    for await (const entry of ctx.engine.logs.follow(ctx.actor, input.app, { ...input, afterId }, signal)) {
      yield tracked(String(entry.id), entry);
    }
  }),
});
