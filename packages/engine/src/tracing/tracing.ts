import { type Attributes, context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { Database, TraceSpanRow, TraceSubject } from "@skypanel/db";
import { listTraceSpans, pruneTraceSpans } from "@skypanel/db/queries";
import { useAsyncContext } from "./context.ts";
import { DEFAULT_SERVICE_NAME, DEFAULT_TRACE_RETENTION_DAYS, type TracingSettings } from "./settings.ts";
import { SubjectSpanStore } from "./span-store.ts";
import { endWithError, SUBJECT_ATTRIBUTES_KEY, SubjectTrace } from "./subject.ts";

export interface TracingOptions {
  db: Database;
  settings?: Partial<TracingSettings>;
  /** Extra processors (tests); the OTLP exporter and the database store are added by settings. */
  processors?: SpanProcessor[];
  /** Told when a span could not be kept (default: a warning in the log). */
  onStoreError?: (err: unknown) => void;
}

export type Tracing = ReturnType<typeof createTracing>;

/** The root span of each kind of trace; its stages or steps are its children ("build" is also a stage, hence "pipeline"). */
export const ROOT_SPAN_NAMES: Record<TraceSubject, string> = { build: "build pipeline", deployment: "deployment" };

/**
 * The control plane's tracer. Build and deployment spans are always made (the database keeps
 * them for the dashboard's waterfall); request and procedure spans only while something is
 * exported, so a platform without OTEL_EXPORTER_OTLP_ENDPOINT pays nothing per request. The
 * provider is this engine's own, not the process-global one: tests run several engines at once.
 */
export function createTracing(options: TracingOptions) {
  useAsyncContext();
  const serviceName = options.settings?.serviceName ?? DEFAULT_SERVICE_NAME;
  const exportTo = options.settings?.export ?? null;
  const retentionDays = options.settings?.retentionDays ?? DEFAULT_TRACE_RETENTION_DAYS;
  const appEndpoint = options.settings?.appEndpoint ?? null;
  const store = new SubjectSpanStore(options.db, options.onStoreError);
  const processors: SpanProcessor[] = [store, ...(options.processors ?? [])];
  if (exportTo) processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: exportTo.url, headers: exportTo.headers })));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    spanProcessors: processors,
  });
  const tracer = provider.getTracer("skypanel");
  const exporting = exportTo !== null || (options.processors?.length ?? 0) > 0;

  return {
    tracer,
    /** True when spans leave the process: request and procedure spans are made only then. */
    exporting,
    serviceName,
    /** A build's or deployment's trace; its spans carry the subject's id, so the store keeps them. */
    subject(kind: TraceSubject, attributes: Attributes) {
      return new SubjectTrace(tracer, ROOT_SPAN_NAMES[kind], attributes);
    },
    /**
     * Runs `fn` in a child span of the active one (a deployment step's "start instance"); the
     * subject's attributes are repeated on it. Outside any span, `fn` just runs.
     */
    async inSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
      const active = context.active();
      if (!trace.getSpan(active)) return fn();
      const subject = (active.getValue(SUBJECT_ATTRIBUTES_KEY) as Attributes | undefined) ?? {};
      const span = tracer.startSpan(name, { attributes: { ...subject, ...attributes } }, active);
      try {
        const result = await context.with(trace.setSpan(active, span), fn);
        span.end();
        return result;
      } catch (err) {
        endWithError(span, err);
        throw err;
      }
    },
    /** Starts a server span for one HTTP request, or null when nothing is exported. */
    startRequest(name: string, attributes: Attributes): Span | null {
      if (!exporting) return null;
      return tracer.startSpan(name, { kind: SpanKind.SERVER, attributes, root: true });
    },
    /** Runs `fn` with `span` active, so what it does nests below it. */
    withSpan<T>(span: Span, fn: () => T): T {
      return context.with(trace.setSpan(context.active(), span), fn);
    },
    failed(span: Span, message: string) {
      span.setStatus({ code: SpanStatusCode.ERROR, message });
    },
    /**
     * What an app's processes get so their own OTel SDK reports to the operator's collector
     * (SKYPANEL_APP_OTLP_ENDPOINT): set under the app's config, which wins when it sets them too.
     */
    appEnvironment(appName: string): Record<string, string> {
      return appEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: appEndpoint, OTEL_SERVICE_NAME: appName } : {};
    },
    /** The kept spans of one build or deployment, in start order. */
    spans(subject: TraceSubject, id: string): Promise<TraceSpanRow[]> {
      return listTraceSpans(options.db, subject, id);
    },
    /** Drops kept spans older than the retention (SKYPANEL_TRACE_RETENTION_DAYS). */
    prune(now = new Date()): Promise<number> {
      return pruneTraceSpans(options.db, new Date(now.getTime() - retentionDays * 86_400_000));
    },
    /** Sends what is batched and finishes pending database writes. */
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
