import { tracked } from "@trpc/server";
import { z } from "zod";
import { authedProcedure, router } from "../trpc.ts";
import { appRef } from "./apps.ts";

export const eventsRouter = router({
  /**
   * What changes on one app (deployments, instances, formation, builds, metrics samples), live.
   * Each event's id ("<epoch>:<seq>") comes back as lastEventId when the link reconnects, and
   * the stream resumes after it: nothing missed or repeated, or a `resync` when that is no longer
   * possible. Log lines have streams of their own (logs.follow, builds.follow).
   */
  app: authedProcedure
    .input(z.object({ app: appRef, lastEventId: z.string().max(64).nullish() }))
    .subscription(async ({ ctx, input, signal }) => {
      // Awaited here, not inside the stream, so a refusal is mapped like any other engine error.
      const events = await ctx.engine.events.followApp(ctx.actor, input.app, input.lastEventId ?? null, signal);
      return (async function* () {
        for await (const { id, event } of events) yield tracked(id, event);
      })();
    }),
});
