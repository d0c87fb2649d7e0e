import { tracked } from "@trpc/server";
import { z } from "zod";
import { buildCreateInput, buildListInput, buildLogInput, buildRef, buildUploadInput } from "../schemas/builds.ts";
import { appInput } from "../schemas/common.ts";
import { authedProcedure, router } from "../trpc.ts";

export const buildsRouter = router({
  list: authedProcedure.input(buildListInput).query(({ ctx, input }) => ctx.engine.builds.list(ctx.actor, input.app, input)),

  get: authedProcedure.input(buildRef).query(({ ctx, input }) => ctx.engine.builds.get(ctx.actor, input.app, input.id)),

  /** Builds from a git URL; archives are uploaded through POST /api/apps/:app/builds. */
  create: authedProcedure
    .input(buildCreateInput)
    .mutation(({ ctx, input }) => ctx.engine.builds.create(ctx.actor, input.app, input.source)),

  /**
   * Builds an archive the REST face has just received (POST /api/apps/:app/builds, multipart).
   * The engine accepts only files in its own incoming-uploads folder, so a path cannot be forged.
   */
  upload: authedProcedure
    .input(buildUploadInput)
    .mutation(({ ctx, input }) => ctx.engine.builds.create(ctx.actor, input.app, { type: "archive", ...input })),

  /** What the build's dependency scan found, and why an ecosystem was not checked. */
  vulnerabilities: authedProcedure
    .input(buildRef)
    .query(({ ctx, input }) => ctx.engine.builds.vulnerabilities(ctx.actor, input.app, input.id)),

  cancel: authedProcedure.input(buildRef).mutation(({ ctx, input }) => ctx.engine.builds.cancel(ctx.actor, input.app, input.id)),

  log: authedProcedure.input(buildLogInput).query(({ ctx, input }) => ctx.engine.builds.log(ctx.actor, input.app, input.id, input.after)),

  /**
   * The log, live. Each line's event id is its number, so a dropped connection resumes after
   * the last line it saw (tRPC sends it back as lastEventId): no line lost or repeated.
   */
  follow: authedProcedure.input(buildRef.extend({ lastEventId: z.string().max(20).nullish() })).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const after = Number(input.lastEventId ?? 0) || 0;
    for await (const item of ctx.engine.builds.follow(ctx.actor, input.app, input.id, after, signal)) {
      if ("done" in item) yield tracked(`done-${item.done}`, { done: item.done });
      else yield tracked(String(item.n), { n: item.n, text: item.text });
    }
  }),

  /** Build status and stage changes for one app, as they happen. */
  events: authedProcedure.input(appInput).subscription(async function* ({ ctx, input, signal }) {
    const { app } = await ctx.engine.apps.resolve(ctx.actor, input.app, "read", "viewing builds");
    yield* ctx.engine.events.forApp(app.id, ["build.updated"], signal);
  }),
});
