import {
  type Attributes,
  type Context,
  context,
  createContextKey,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";

/** The subject's identifying attributes, carried in the context so nested spans repeat them. */
export const SUBJECT_ATTRIBUTES_KEY = createContextKey("skypanel.subject.attributes");

/** How a step or a whole build or deployment ended; anything but "succeeded" marks the span an error. */
export type Outcome = "succeeded" | "failed" | "cancelled" | "interrupted" | "rolled_back";

/** Marks a span as failed with the error's message, and records the error as an event. */
export function endWithError(span: Span, err: unknown, outcome: Outcome = "failed") {
  if (err instanceof Error) span.recordException(err);
  const message = err instanceof Error ? err.message : err === undefined ? outcome : String(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.setAttribute("skypanel.outcome", outcome);
  span.end();
}

/**
 * One build's or deployment's trace: a root span, and a child span for each stage or step. A
 * build's stages start and finish at separate points of the pipeline (the nix build's markers),
 * so steps are opened and closed by name with the root as their explicit parent; a deployment's
 * steps are whole functions (`inStep`), run with their span active so what they do nests below.
 */
export class SubjectTrace {
  readonly root: Span;
  private readonly rootContext: Context;
  private readonly open = new Map<string, Span>();
  private ended = false;

  constructor(
    private readonly tracer: Tracer,
    name: string,
    private readonly attributes: Attributes,
  ) {
    // A build or deployment is its own trace: a request only queues it. No link to that request:
    // the job queue's worker may carry whichever request woke it, which need not be this job's.
    this.root = tracer.startSpan(name, { root: true, attributes });
    this.rootContext = trace.setSpan(ROOT_CONTEXT, this.root).setValue(SUBJECT_ATTRIBUTES_KEY, attributes);
  }

  startStep(name: string, attributes: Attributes = {}) {
    this.open.get(name)?.end();
    this.open.set(name, this.tracer.startSpan(name, { attributes: { ...this.attributes, ...attributes } }, this.rootContext));
  }

  endStep(name: string, outcome: Outcome = "succeeded", err?: unknown) {
    const span = this.open.get(name);
    if (!span) return;
    this.open.delete(name);
    if (outcome === "succeeded") span.end();
    else endWithError(span, err, outcome);
  }

  /** Runs `fn` as step `name`, its span active for everything `fn` awaits. */
  async inStep<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const span = this.tracer.startSpan(name, { attributes: this.attributes }, this.rootContext);
    try {
      const result = await context.with(trace.setSpan(this.rootContext, span), fn);
      span.end();
      return result;
    } catch (err) {
      endWithError(span, err);
      throw err;
    }
  }

  /** Ends the root (and any step still open, with the same outcome). */
  end(outcome: Outcome = "succeeded", err?: unknown) {
    if (this.ended) return;
    this.ended = true;
    for (const name of [...this.open.keys()]) this.endStep(name, outcome, err);
    if (outcome === "succeeded") this.root.end();
    else endWithError(this.root, err, outcome);
  }
}
