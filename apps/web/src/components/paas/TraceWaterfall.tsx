import type { TraceSpan } from "../../hooks/useTraces.ts";
import { cx } from "../../lib/cx.ts";
import { formatDuration } from "../../lib/format.ts";
import { waterfallRows } from "./waterfall.ts";

const BAR: Record<TraceSpan["status"], string> = {
  ok: "bg-indigo-600",
  error: "bg-red-600",
  running: "bg-amber-500 animate-pulse",
};

const STATUS_TEXT: Record<TraceSpan["status"], string> = { ok: "done", error: "failed", running: "running" };

// A bar never shrinks below a sliver, so a 1 ms step is still seen.
const MIN_BAR_PERCENT = 0.5;
const percent = (n: number) => `${Number(n.toFixed(2))}%`;
// The sliver of a span at the very end stays inside the axis.
const barStyle = (left: number, width: number) => {
  const w = Math.max(MIN_BAR_PERCENT, width);
  return { left: percent(Math.min(left, 100 - w)), width: percent(w) };
};

/**
 * A trace as a waterfall: one table row per span, indented under its parent, with its start
 * and duration as text and a bar placed on the shared time axis. The bars are drawn for the
 * eye; the text columns carry the same facts for screen readers.
 */
export function TraceWaterfall({ spans, label, now, live }: { spans: TraceSpan[]; label: string; now: number; live: boolean }) {
  const rows = waterfallRows(spans, live ? now : null);
  return (
    <table className="w-full table-fixed border-collapse text-sm" aria-label={label} data-testid="trace-waterfall">
      <thead className="sr-only">
        <tr>
          <th scope="col">Step</th>
          <th scope="col">Starts after</th>
          <th scope="col">Duration</th>
          <th scope="col">Timeline</th>
        </tr>
      </thead>
      <colgroup>
        <col className="w-2/5 sm:w-1/3" />
        <col className="w-20" />
        <col className="w-24" />
        <col />
      </colgroup>
      <tbody>
        {rows.map((r) => {
          const duration = !r.open ? formatDuration(r.durationMs) : live ? `${formatDuration(r.durationMs)} so far` : "did not finish";
          return (
            <tr key={r.span.spanId} data-testid="trace-span" data-status={r.span.status} data-depth={r.depth} className="align-middle">
              <th scope="row" className="truncate py-1 pr-2 text-left font-normal" style={{ paddingLeft: `${r.depth * 1}rem` }}>
                <span className={cx("text-slate-900", r.depth === 0 && "font-medium")} data-testid="span-name">
                  {r.span.name}
                </span>
                {r.span.status !== "ok" && (
                  <span
                    className={cx("ml-1 text-xs", r.span.status === "error" ? "text-red-700" : "text-amber-800")}
                    data-testid="span-status"
                  >
                    ({r.open && !live ? "unfinished" : STATUS_TEXT[r.span.status]})
                  </span>
                )}
                {r.span.status === "error" && r.span.statusMessage && (
                  <span className="block truncate text-xs text-red-700" title={r.span.statusMessage} data-testid="span-error">
                    {r.span.statusMessage}
                  </span>
                )}
              </th>
              <td className="py-1 pr-2 text-xs tabular-nums text-slate-600" data-testid="span-offset">
                +{formatDuration(r.offsetMs)}
              </td>
              <td className="py-1 pr-2 text-xs tabular-nums text-slate-700" data-testid="span-duration">
                {duration}
              </td>
              <td className="py-1" aria-hidden="true">
                <div className="relative h-3 rounded bg-slate-100">
                  <div
                    data-testid="span-bar"
                    title={`${r.span.name}: ${Math.round(r.durationMs)} ms`}
                    className={cx("absolute inset-y-0 rounded", r.open && !live ? "bg-slate-400" : BAR[r.span.status])}
                    style={barStyle(r.left, r.width)}
                  />
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
