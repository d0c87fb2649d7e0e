// REST for app logs: the newest lines as JSON, or (`follow=1`) Server-Sent Events as they come.
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { appInput } from "../schemas/common.ts";
import { LOG_LEVELS, logLineSchema, logQuery, logRetentionInput, logRetentionSchema } from "../schemas/logs.ts";
import { operation } from "./operation.ts";
import { queryInt, sinceParam } from "./params.ts";
import { sseEvent } from "./sse.ts";

const levels = new Set<string>(LOG_LEVELS);

const logsParams = z.object({
  tail: queryInt(logQuery.shape.tail.unwrap()).optional().meta({ description: "The newest this many lines (default 100)." }),
  // Unknown levels are dropped, as they always were: `level=warn,error`.
  level: z
    .string()
    .max(100)
    .optional()
    .transform((text) => text?.split(",").filter((l): l is (typeof LOG_LEVELS)[number] => levels.has(l)))
    .meta({ description: `Comma-separated levels to show: ${LOG_LEVELS.join(", ")}.` }),
  process: logQuery.shape.processType.meta({ description: "Only this process type's lines." }),
  search: logQuery.shape.search.meta({ description: "Only lines containing these words (all of them)." }),
  q: logQuery.shape.q.meta({
    description:
      'A search in the log search language: words, "phrases", -word and -"phrase" to exclude, level:error, status:500..599 (or status:404, status:5xx), process:web, instance:<id or its start>, since:30m (s, m, h, d, w). Terms combine with AND; a bad query is a 400 naming the problem.',
  }),
  since: sinceParam.optional(),
  follow: z
    .string()
    .max(10)
    .optional()
    .meta({ description: "`1`: keep the answer open and send lines as they come (Server-Sent Events)." }),
});

const retentionPath = "/api/apps/{app}/log-retention";

export const logOperations = [
  operation({
    id: "getLogRetention",
    method: "get",
    path: retentionPath,
    tag: "logs",
    summary: "How long and how much of its log the app keeps",
    params: appInput,
    status: 200,
    response: logRetentionSchema,
    answers: "The app's limits (the platform's defaults when it set none).",
    handle: ({ caller, params }) => caller.logs.retention(params),
  }),
  operation({
    id: "setLogRetention",
    method: "put",
    path: retentionPath,
    tag: "logs",
    summary: "Set the app's log retention",
    description:
      "Days and bytes (either or both; the other keeps its value). The platform's hourly upkeep deletes lines older than `days` and, oldest first, lines beyond `maxBytes` of text.",
    params: appInput,
    body: logRetentionInput.omit({ app: true }),
    status: 200,
    response: logRetentionSchema,
    answers: "The limits as saved.",
    handle: ({ caller, params, body }) => caller.logs.setRetention({ ...params, ...body }),
  }),
  operation({
    id: "resetLogRetention",
    method: "delete",
    path: retentionPath,
    tag: "logs",
    summary: "Return the app to the platform's log retention defaults",
    params: appInput,
    status: 200,
    response: logRetentionSchema,
    answers: "The defaults, now the app's limits.",
    handle: ({ caller, params }) => caller.logs.resetRetention(params),
  }),
  operation({
    id: "getLogs",
    method: "get",
    path: "/api/apps/{app}/logs",
    tag: "logs",
    summary: "Read or follow the app's logs",
    description:
      "With `follow=1` a stream of Server-Sent Events: one event per line, its `id` the line's id and `data` the line as JSON (a LogLine). A reconnect with Last-Event-ID resumes after that line.",
    params: appInput,
    query: logsParams,
    headers: z.object({ "last-event-id": z.string().optional().meta({ description: "When following: the last line id seen." }) }),
    status: 200,
    response: z.strictObject({ lines: z.array(logLineSchema) }),
    answers: "The lines, oldest first.",
    alsoAnswers: { "text/event-stream": sseEvent("Lines as they come, one event each.") },
    handle: async ({ caller, c, params, query }) => {
      const q = {
        ...params,
        tail: query.tail,
        levels: query.level?.length ? query.level : undefined,
        processType: query.process,
        search: query.search,
        q: query.q,
        since: query.since,
      };
      if (query.follow !== "1") return { lines: await caller.logs.query(q) };
      const iterable = await caller.logs.follow({ ...q, lastEventId: c.req.header("last-event-id") ?? null });
      return streamSSE(c, async (stream) => {
        // tRPC sends batches; the REST stream keeps one event per line, its id the line's.
        for await (const [, batch] of iterable as AsyncIterable<[string, { id: number }[]]>) {
          for (const entry of batch) await stream.writeSSE({ id: String(entry.id), data: JSON.stringify(entry) });
        }
      });
    },
  }),
];
