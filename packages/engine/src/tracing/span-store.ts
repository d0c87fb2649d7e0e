import type { Attributes, Context } from "@opentelemetry/api";
import { SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { Database, TraceAttributes, TraceSubject } from "@skypanel/db";
import { upsertTraceSpan } from "@skypanel/db/queries";

/** The attribute naming the build or deployment a span belongs to; the store keeps only those spans. */
export const SUBJECT_ID_ATTRIBUTE: Record<TraceSubject, string> = {
  build: "skypanel.build.id",
  deployment: "skypanel.deployment.id",
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function subjectOf(attributes: Attributes): { kind: TraceSubject; id: string } | null {
  for (const kind of ["build", "deployment"] as const) {
    const id = attributes[SUBJECT_ID_ATTRIBUTE[kind]];
    if (typeof id === "string" && UUID.test(id)) return { kind, id };
  }
  return null;
}

const toDate = ([seconds, nanos]: [number, number]) => new Date(seconds * 1000 + Math.floor(nanos / 1e6));

function jsonAttributes(attributes: Attributes): TraceAttributes {
  const out: TraceAttributes = {};
  for (const [k, v] of Object.entries(attributes)) if (v !== undefined) out[k] = v as TraceAttributes[string];
  return out;
}

/**
 * Keeps the spans of builds and deployments in the database (table trace_spans), so the
 * dashboard draws their waterfall with no tracing backend. A span is written when it starts
 * (the running stage shows) and again when it ends. Writes go one after another on one chain:
 * a build has a dozen spans, and the order keeps a start from landing after its end.
 */
export class SubjectSpanStore implements SpanProcessor {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly onError: (err: unknown) => void = (err) =>
      console.warn(`[tracing] a build or deployment span was not kept: ${(err as Error)?.message ?? err}`),
  ) {}

  onStart(span: Span, _parentContext: Context): void {
    this.write(span, "start");
  }

  onEnd(span: ReadableSpan): void {
    this.write(span, "end");
  }

  private write(span: ReadableSpan, phase: "start" | "end") {
    const subject = subjectOf(span.attributes);
    if (!subject) return;
    const { traceId, spanId } = span.spanContext();
    const ended = phase === "end";
    const row = {
      traceId,
      spanId,
      parentSpanId: span.parentSpanContext?.spanId ?? null,
      name: span.name.slice(0, 512),
      buildId: subject.kind === "build" ? subject.id : null,
      deploymentId: subject.kind === "deployment" ? subject.id : null,
      startedAt: toDate(span.startTime),
      endedAt: ended ? toDate(span.endTime) : null,
      status: !ended ? ("running" as const) : span.status.code === SpanStatusCode.ERROR ? ("error" as const) : ("ok" as const),
      statusMessage: ended ? (span.status.message?.slice(0, 4000) ?? null) : null,
      attributes: jsonAttributes(span.attributes),
    };
    // A failed write (the build was deleted meanwhile) loses one span, never the build.
    this.chain = this.chain.then(() => upsertTraceSpan(this.db, row, phase)).catch(this.onError);
  }

  forceFlush(): Promise<void> {
    return this.chain;
  }

  shutdown(): Promise<void> {
    return this.chain;
  }
}
