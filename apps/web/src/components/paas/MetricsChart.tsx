import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatBucket, formatTick, type MetricsRange } from "./metrics.ts";

export interface ChartLine<P> {
  key: Exclude<keyof P, "t"> & string;
  name: string;
  color: string;
}

const AXIS = { fontSize: 12, stroke: "#475569" };
/** A first size before the container is measured (and the only one in tests, where nothing is laid out). */
const INITIAL_SIZE = { width: 320, height: 192 };

/**
 * One metric (or two that share a unit) over time; a missing sample leaves a gap, not a zero.
 * `empty` replaces the chart with that sentence; `note` qualifies the numbers, under the title and in the tooltip.
 */
export function MetricsChart<P extends { t: number }>({
  title,
  points,
  range,
  lines,
  format,
  step = false,
  empty,
  note,
  marks = [],
}: {
  title: string;
  points: P[];
  range: MetricsRange;
  lines: ChartLine<P>[];
  format: (value: number) => string;
  step?: boolean;
  empty?: string;
  note?: string;
  /** Moments drawn as vertical lines (the autoscaler's decisions), listed under the chart for screen readers. */
  marks?: { t: number; label: string }[];
}) {
  return (
    <section aria-label={title} className="min-w-0 rounded-lg border border-slate-200 bg-white p-4">
      <h3 className="text-sm font-semibold text-slate-800">{title}</h3>
      {note && <p className="mt-1 text-xs text-slate-600">{note}</p>}
      {empty ? (
        <p className="mt-3 flex h-48 items-center justify-center text-sm text-slate-600">{empty}</p>
      ) : (
        // Clipped: the chart keeps its last measured width until its container's resize is observed,
        // so a window narrowed from desktop to phone would otherwise scroll sideways for a frame or two.
        <div className="mt-3 h-48 overflow-hidden">
          <ResponsiveContainer width="100%" height="100%" initialDimension={INITIAL_SIZE}>
            <LineChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={["dataMin", "dataMax"]}
                tickFormatter={(t: number) => formatTick(t, range)}
                minTickGap={24}
                {...AXIS}
              />
              <YAxis tickFormatter={(v: number) => format(v)} width={76} allowDecimals={!step} {...AXIS} />
              <Tooltip
                labelFormatter={(t) => (note ? `${formatBucket(Number(t))} (${note})` : formatBucket(Number(t)))}
                formatter={(v) => format(Number(v))}
              />
              {lines.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} />}
              {marks.map((m) => (
                <ReferenceLine key={`${m.t}:${m.label}`} x={m.t} stroke="#f59e0b" strokeDasharray="4 2" ifOverflow="hidden" />
              ))}
              {lines.map((line) => (
                <Line
                  key={line.key}
                  dataKey={line.key}
                  name={line.name}
                  stroke={line.color}
                  type={step ? "stepAfter" : "monotone"}
                  dot={false}
                  strokeWidth={2}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
      {marks.length > 0 && (
        <ul aria-label={`Autoscaler decisions on ${title}`} className="sr-only">
          {marks.map((m) => (
            <li key={`${m.t}:${m.label}`}>{`${formatBucket(m.t)}: ${m.label}`}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
