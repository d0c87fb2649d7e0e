import type { TraceSpan } from "../../hooks/useTraces.ts";

/** One row of a waterfall: a span, how deep it sits, and where its bar goes on the shared time axis. */
export interface WaterfallRow {
  span: TraceSpan;
  depth: number;
  /** From the trace's first start. */
  offsetMs: number;
  /** Its own duration; for one not ended, the time so far (or up to the trace's last known moment). */
  durationMs: number;
  /** Not ended: still running, or (when the build or deployment is over) it never finished. */
  open: boolean;
  /** The bar, in percent of the whole trace. */
  left: number;
  width: number;
}

/**
 * Spans in tree order (each parent before its children, siblings by start), with offsets and
 * widths against the whole trace. A span whose parent is not there (it was not kept) is a root.
 * `now` is null once the build or deployment is over: a span left open then (the control plane
 * stopped mid-way) reaches only to the trace's last known moment, rather than growing forever.
 */
export function waterfallRows(spans: TraceSpan[], now: number | null): WaterfallRow[] {
  if (spans.length === 0) return [];
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, TraceSpan[]>();
  for (const s of spans) {
    const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : null;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const start = Math.min(...spans.map((s) => s.startedAt.getTime()));
  const lastKnown = Math.max(...spans.map((s) => (s.endedAt ?? s.startedAt).getTime()));
  const endOf = (s: TraceSpan) => (s.endedAt ? s.endedAt.getTime() : Math.max(now ?? lastKnown, s.startedAt.getTime()));
  const total = Math.max(1, Math.max(...spans.map(endOf)) - start);
  const rows: WaterfallRow[] = [];
  const seen = new Set<string>();
  const visit = (parent: string | null, depth: number) => {
    const list = [...(children.get(parent) ?? [])].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    for (const span of list) {
      // A cycle in hostile or broken data must not hang the page.
      if (seen.has(span.spanId)) continue;
      seen.add(span.spanId);
      const offsetMs = span.startedAt.getTime() - start;
      const durationMs = endOf(span) - span.startedAt.getTime();
      rows.push({
        span,
        depth,
        offsetMs,
        durationMs,
        open: span.endedAt === null,
        left: (offsetMs / total) * 100,
        width: (durationMs / total) * 100,
      });
      visit(span.spanId, depth + 1);
    }
  };
  visit(null, 0);
  return rows;
}
