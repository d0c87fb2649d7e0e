import { asc, eq, lt } from "drizzle-orm";
import type { Database } from "../client.ts";
import { type TraceSpanRow, type TraceSubject, traceSpans } from "../schema/index.ts";

/** Records a span at its start (inserted if new) or at its end (inserted, or completing the row). */
export async function upsertTraceSpan(db: Database, span: typeof traceSpans.$inferInsert, phase: "start" | "end") {
  const insert = db.insert(traceSpans).values(span);
  // The end carries everything; a start that arrives after its end must not reopen the span.
  if (phase === "start") await insert.onConflictDoNothing();
  else
    await insert.onConflictDoUpdate({
      target: [traceSpans.traceId, traceSpans.spanId],
      set: {
        name: span.name,
        endedAt: span.endedAt,
        status: span.status,
        statusMessage: span.statusMessage ?? null,
        attributes: span.attributes ?? {},
      },
    });
}

/** Every kept span of one build or deployment, in start order. */
export async function listTraceSpans(db: Database, subject: TraceSubject, id: string): Promise<TraceSpanRow[]> {
  const column = subject === "build" ? traceSpans.buildId : traceSpans.deploymentId;
  // Start times are kept to the millisecond: spans that share one come in the order they started (seq).
  return db.select().from(traceSpans).where(eq(column, id)).orderBy(asc(traceSpans.startedAt), asc(traceSpans.seq));
}

/** Drops spans that started before `before`; returns how many went. */
export async function pruneTraceSpans(db: Database, before: Date): Promise<number> {
  const gone = await db.delete(traceSpans).where(lt(traceSpans.startedAt, before)).returning({ id: traceSpans.spanId });
  return gone.length;
}
