// Build and deployment traces for the stub tRPC server: spans by subject id, typed by the BFF's
// own output; a subject with none answers an empty trace, as the engine does for an old build.
import type { RouterOutputs } from "../lib/trpc.ts";
import { type StubProcedure, t } from "./stubTrpc.ts";

export type StubTrace = RouterOutputs["traces"]["build"];
export type StubTraceSpan = StubTrace["spans"][number];

const AT = new Date("2025-01-02T03:04:05Z").getTime();

/** A span `startMs` after the stub's epoch, lasting `durationMs` (null: still running). */
export function stubSpan(
  spanId: string,
  name: string,
  startMs: number,
  durationMs: number | null,
  extra: Partial<StubTraceSpan> = {},
): StubTraceSpan {
  return {
    spanId,
    parentSpanId: null,
    name,
    startedAt: new Date(AT + startMs),
    endedAt: durationMs === null ? null : new Date(AT + startMs + durationMs),
    durationMs,
    status: durationMs === null ? "running" : "ok",
    statusMessage: null,
    attributes: {},
    ...extra,
  };
}

export function tracesRouter(proc: StubProcedure, traces: Map<string, StubTrace>) {
  const read = (subject: StubTrace["subject"], id: string): StubTrace =>
    traces.get(id) ?? { subject, subjectId: id, traceId: null, spans: [] };
  return t.router({
    build: proc("traces.build").query(({ input }) => read("build", input.id)),
    deployment: proc("traces.deployment").query(({ input }) => read("deployment", input.id)),
  });
}
