// REST for builds: start one from git (JSON) or an uploaded archive (multipart), list, read,
// cancel, and read the log (Server-Sent Events while the build runs, plain text after).
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Build } from "@skypanel/db";
import type { Context as HonoContext } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { buildColumns, buildCreateInput, buildListInput, buildLogInput, buildRef, cancelledBuildSchema } from "../schemas/builds.ts";
import { appInput } from "../schemas/common.ts";
import { operation, parseInput } from "./operation.ts";
import { queryInt } from "./params.ts";
import { readJsonObject } from "./respond.ts";
import { sseEvent } from "./sse.ts";
import { receiveUpload } from "./upload.ts";

const buildSchema = buildColumns
  .pick({
    id: true,
    number: true,
    status: true,
    source: true,
    commitSha: true,
    plan: true,
    stages: true,
    durationMs: true,
    storePath: true,
    closureBytes: true,
    error: true,
    createdAt: true,
    startedAt: true,
    finishedAt: true,
  })
  .extend({ cache: z.strictObject({ key: buildColumns.shape.cacheKey, hit: buildColumns.shape.cacheHit }) })
  .strict()
  .meta({ id: "Build" });

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

const startedBuildSchema = z.strictObject({ id: z.uuid(), number: z.number().int(), status: buildColumns.shape.status });
const gitBuildBody = buildCreateInput.omit({ app: true });
const archiveUpload = z.object({
  archive: z.string().meta({ format: "binary", description: "The source as a .tar.gz, .tar or .zip." }),
});
const buildParams = buildRef;
const isMultipart = (c: HonoContext) => (c.req.header("content-type") ?? "").startsWith("multipart/form-data");

export const buildOperations = [
  operation({
    id: "startBuild",
    method: "post",
    path: "/api/apps/{app}/builds",
    tag: "builds",
    summary: "Start a build",
    description:
      'From git (`{"source": {"type": "git", "url": "…", "ref": "main"}}`) or an uploaded archive (multipart/form-data, field `archive`). Follow it with GET …/builds/{id}/logs.',
    params: appInput,
    requestContent: { "application/json": gitBuildBody, "multipart/form-data": archiveUpload },
    status: 202,
    response: startedBuildSchema,
    answers: "The build, queued.",
    errors: [412],
    handle: async ({ caller, ctx, c, params }) => {
      if (isMultipart(c)) {
        // Authorise before accepting the bytes: a stranger's upload is refused, not stored.
        await caller.apps.get(params);
        const file = await receiveUpload(c.req.raw, join(ctx.config.home, "uploads"), "archive", ctx.config.maxUploadBytes);
        const build = await caller.builds
          .upload({ ...params, uploadPath: file.path, filename: file.filename, bytes: file.bytes })
          .catch((err) => {
            // Refused (a viewer, a bad archive): the bytes must not stay behind.
            rmSync(file.path, { force: true });
            throw err;
          });
        return { id: build.id, number: build.number, status: build.status };
      }
      const body = parseInput(gitBuildBody, await readJsonObject(c));
      const build = await caller.builds.create({ ...params, source: body.source });
      return { id: build.id, number: build.number, status: build.status };
    },
  }),
  operation({
    id: "listBuilds",
    method: "get",
    path: "/api/apps/{app}/builds",
    tag: "builds",
    summary: "List the app's builds, newest first",
    params: appInput,
    query: z.object({
      limit: queryInt(buildListInput.shape.limit.unwrap()).optional(),
      before: queryInt(buildListInput.shape.beforeNumber.unwrap()).optional().meta({ description: "Builds numbered below this." }),
    }),
    status: 200,
    response: z.strictObject({ builds: z.array(buildSchema) }),
    answers: "The builds.",
    handle: async ({ caller, params, query }) => ({
      builds: (await caller.builds.list({ ...params, limit: query.limit, beforeNumber: query.before })).map(buildView),
    }),
  }),
  operation({
    id: "getBuild",
    method: "get",
    path: "/api/apps/{app}/builds/{id}",
    tag: "builds",
    summary: "Read a build",
    params: buildParams,
    status: 200,
    response: buildSchema,
    answers: "The build, with its plan and stages.",
    handle: async ({ caller, params }) => buildView(await caller.builds.get(params)),
  }),
  operation({
    id: "cancelBuild",
    method: "delete",
    path: "/api/apps/{app}/builds/{id}",
    tag: "builds",
    summary: "Cancel a build",
    params: buildParams,
    status: 200,
    response: cancelledBuildSchema,
    answers: "Cancelled (or cancelling).",
    errors: [409],
    handle: ({ caller, params }) => caller.builds.cancel(params),
  }),
  operation({
    id: "getBuildLog",
    method: "get",
    path: "/api/apps/{app}/builds/{id}/logs",
    tag: "builds",
    summary: "Read or follow a build's log",
    description:
      "A finished build's log is plain text. While the build runs it is a stream of Server-Sent Events: each line's `id` is its number and `data` its text; an `end` event (data: the final status) closes it. A reconnect with Last-Event-ID resumes after that line.",
    params: buildParams,
    query: z.object({
      after: queryInt(buildLogInput.shape.after.unwrap()).optional().meta({ description: "Lines numbered above this only." }),
    }),
    headers: z.object({ "last-event-id": z.string().optional().meta({ description: "The last line seen; wins over `after`." }) }),
    status: 200,
    answers: "The log.",
    alsoAnswers: {
      "text/plain": z.string().meta({ description: "A finished build's log, one line per line." }),
      "text/event-stream": sseEvent("The running build's log as it is written: one event per line, then `end`.", ["message", "end"]),
    },
    handle: async ({ caller, c, params, query }) => {
      const after = Number(c.req.header("last-event-id") ?? query.after ?? 0) || 0;
      const first = await caller.builds.log({ ...params, after });
      if (first.finished) {
        c.header("Content-Type", "text/plain; charset=utf-8");
        return c.body(first.lines.map((l) => `${l.text}\n`).join(""));
      }
      const iterable = await caller.builds.follow({ ...params, lastEventId: String(after) });
      return streamSSE(c, async (stream) => {
        // A server-side caller yields tracked events as [id, data] tuples.
        for await (const [, event] of iterable as AsyncIterable<[string, { n?: number; text?: string; done?: string }]>) {
          if (event.done) {
            await stream.writeSSE({ event: "end", data: event.done });
            break;
          }
          await stream.writeSSE({ id: String(event.n), data: event.text ?? "" });
        }
      });
    },
  }),
];
