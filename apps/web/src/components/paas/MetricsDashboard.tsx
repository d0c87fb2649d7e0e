import { useState } from "react";
import { useMetrics } from "../../hooks/useMetrics.ts";
import { Button } from "../ui/Button.tsx";
import { EmptyState } from "../ui/EmptyState.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";
import { MetricsChart } from "./MetricsChart.tsx";
import {
  DEFAULT_METRICS_RANGE,
  formatCpu,
  formatMemory,
  formatRate,
  METRICS_RANGES,
  type MetricsRange,
  type MetricsSeries,
} from "./metrics.ts";
import type { AppDetail } from "./types.ts";

const formatCount = (n: number) => String(Math.round(n));

function RangePicker({ range, onChange }: { range: MetricsRange; onChange: (range: MetricsRange) => void }) {
  return (
    <fieldset className="flex flex-wrap gap-1">
      <legend className="sr-only">Time range</legend>
      {METRICS_RANGES.map((r) => (
        <Button
          key={r.range}
          aria-pressed={r.range === range}
          title={r.name}
          variant={r.range === range ? "primary" : "secondary"}
          onClick={() => onChange(r.range)}
        >
          {r.label}
        </Button>
      ))}
    </fieldset>
  );
}

function Charts({ series }: { series: MetricsSeries }) {
  const { points, range } = series;
  if (points.length === 0) {
    return (
      <EmptyState testId="metrics-empty" title="No samples in this range yet: the platform samples each running instance every 10 s." />
    );
  }
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <MetricsChart
        title="CPU"
        points={points}
        range={range}
        format={formatCpu}
        lines={[{ key: "cpuPercent", name: "CPU (100 % = one core)", color: "#4f46e5" }]}
      />
      <MetricsChart
        title="Memory"
        points={points}
        range={range}
        format={formatMemory}
        lines={[{ key: "memoryBytes", name: "Memory", color: "#0891b2" }]}
      />
      <MetricsChart
        title="Network"
        points={points}
        range={range}
        format={formatRate}
        lines={[
          { key: "netRxBytesPerSec", name: "In", color: "#059669" },
          { key: "netTxBytesPerSec", name: "Out", color: "#d97706" },
        ]}
      />
      <MetricsChart
        title="Instances"
        points={points}
        range={range}
        format={formatCount}
        step
        lines={[{ key: "instances", name: "Instances", color: "#475569" }]}
      />
    </div>
  );
}

/** CPU, memory, network and instance count over a chosen range, summed over the app's instances. */
export function MetricsDashboard({ app }: { app: AppDetail }) {
  const [range, setRange] = useState<MetricsRange>(DEFAULT_METRICS_RANGE);
  const metrics = useMetrics(app.name, range);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 className="text-lg font-semibold">Metrics</h2>
        <RangePicker range={range} onChange={setRange} />
      </div>
      {metrics.isPending ? (
        <LoadingBlock label="Loading the metrics…" rows={2} />
      ) : metrics.isError ? (
        <ErrorNotice title="The metrics could not be loaded." error={metrics.error} onRetry={() => metrics.refetch()} />
      ) : (
        <>
          <Charts series={metrics.data} />
          {metrics.data.requests === null && (
            <p data-testid="metrics-requests" className="text-sm text-slate-600">
              Request rate and response time are not collected per app yet, so they are not shown here.
            </p>
          )}
        </>
      )}
    </div>
  );
}

export default MetricsDashboard;
