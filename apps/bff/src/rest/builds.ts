// REST for builds: start one from git (JSON) or an uploaded archive (multipart), list, read,
// cancel, and read the log (Server-Sent Events while the build runs, plain text after).
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Build } from "@skypanel/db";
import { Hono, type Context as HonoContext } from "hono";
import { streamSSE } from "hono/streaming";
import { intParam, readJsonObject, sendError } from "./respond.ts";
import { type ContextFor, callerFor, routeWith } from "./route.ts";
import { receiveUpload } from "./upload.ts";

/** What the API shows of a build. */
export function buildView(b: Build) {
  return {
    id: b.id,
    number: b.number,
    status: b.status,
    source: b.source,
    commitSha: b.commitSha,
    plan: b.plan,
    stages: b.stages,
    durationMs: b.durationMs,
    cache: { key: b.cacheKey, hit: b.cacheHit },
    storePath: b.storePath,
    closureBytes: b.closureBytes,
    error: b.error,
    createdAt: b.createdAt,
    startedAt: b.startedAt,
    finishedAt: b.finishedAt,
  };
}

export function buildRoutes(contextFor: ContextFor) {
  const api = new Hono();
  const route = routeWith(contextFor);
  const app = (c: HonoContext) => c.req.param("app") ?? "";
  const id = (c: HonoContext) => c.req.param("id") ?? "";

  api.post(
    "/",
    route(202, async (caller, c) => {
      if ((c.req.header("content-type") ?? "").startsWith("multipart/form-data")) {
        const ctx = await contextFor(c, new Headers());
        // Authorise before accepting the bytes: a stranger's upload is refused, not stored.
        await caller.apps.get({ app: app(c) });
        const file = await receiveUpload(c.req.raw, join(ctx.config.home, "uploads"), "archive", ctx.config.maxUploadBytes);
        const build = await caller.builds
          .upload({ app: app(c), uploadPath: file.path, filename: file.filename, bytes: file.bytes })
          .catch((err) => {
            // Refused (a viewer, a bad archive): the bytes must not stay behind.
            rmSync(file.path, { force: true });
            throw err;
          });
        return { id: build.id, number: build.number, status: build.status };
      }
      const body = await readJsonObject(c);
      const build = await caller.builds.create({ app: app(c), source: body.source as never });
      return { id: build.id, number: build.number, status: build.status };
    }),
  );

  api.get(
    "/",
    route(200, async (caller, c) => ({
      builds: (await caller.builds.list({ app: app(c), limit: intParam(c, "limit"), beforeNumber: intParam(c, "before") })).map(buildView),
    })),
  );

  api.get(
    "/:id",
    route(200, async (caller, c) => buildView(await caller.builds.get({ app: app(c), id: id(c) }))),
  );

  api.delete(
    "/:id",
    route(200, (caller, c) => caller.builds.cancel({ app: app(c), id: id(c) })),
  );

  api.get("/:id/logs", async (c) => {
    try {
      const caller = await callerFor(contextFor, c);
      const after = Number(c.req.header("last-event-id") ?? intParam(c, "after") ?? 0) || 0;
      const first = await caller.builds.log({ app: app(c), id: id(c), after });
      if (first.finished) {
        c.header("Content-Type", "text/plain; charset=utf-8");
        return c.body(first.lines.map((l) => `${l.text}\n`).join(""));
      }
      const iterable = await caller.builds.follow({ app: app(c), id: id(c), lastEventId: String(after) });
      return streamSSE(c, async (stream) => {
        // A server-side caller yields tracked events as [id, data] tuples.
        for await (const [, event] of iterable as AsyncIterable<[string, { n?: number; text?: string; done?: string }]>) {
          const data = event;
          if (data.done) {
            await stream.writeSSE({ event: "end", data: data.done });
            break;
          }
          await stream.writeSSE({ id: String(data.n), data: data.text ?? "" });
        }
      });
    } catch (err) {
      return sendError(c, err);
    }
  });

  return api;
}
