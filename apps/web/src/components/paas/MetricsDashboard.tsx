import { useState } from "react";
import { useAutoscaleMarks } from "../../hooks/useAutoscale.ts";
import { useMetrics } from "../../hooks/useMetrics.ts";
import { Button } from "../ui/Button.tsx";
import { EmptyState } from "../ui/EmptyState.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";
import { MetricsChart } from "./MetricsChart.tsx";
import {
  DEFAULT_METRICS_RANGE,
  formatCpu,
  formatDuration,
  formatMemory,
  formatRate,
  formatRequestRate,
  formatShare,
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

function Charts({ series, marks }: { series: MetricsSeries; marks: { t: number; label: string }[] }) {
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
        marks={marks}
      />
    </div>
  );
}

const NO_REQUESTS = "No requests in this range";
// Percentiles of whole buckets would need every duration; the server averages each interval's instead.
const PERCENTILE_NOTE = "approximate: each 10 s interval's percentiles, averaged weighted by requests";

/** Requests through the router: the rate, the response times of the ones that were timed, and the 5xx share. */
function RequestCharts({ series }: { series: MetricsSeries }) {
  const { requests, range } = series;
  const none = requests.every((p) => p.rate === 0);
  const timed = requests.some((p) => p.p50Ms !== null);
  const classed = requests.some((p) => p.errorRate !== null);
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <MetricsChart
        title="Requests per second"
        points={requests}
        range={range}
        format={formatRequestRate}
        empty={none ? NO_REQUESTS : undefined}
        lines={[{ key: "rate", name: "Requests per second", color: "#7c3aed" }]}
      />
      <MetricsChart
        title="Response time (p50 / p95 / p99)"
        points={requests}
        range={range}
        format={formatDuration}
        empty={none ? NO_REQUESTS : timed ? undefined : "Only WebSocket connections in this range: they are counted, not timed"}
        note={PERCENTILE_NOTE}
        lines={[
          { key: "p50Ms", name: "p50", color: "#0d9488" },
          { key: "p95Ms", name: "p95", color: "#d97706" },
          { key: "p99Ms", name: "p99", color: "#dc2626" },
        ]}
      />
      <MetricsChart
        title="Error rate (5xx)"
        points={requests}
        range={range}
        format={formatShare}
        empty={none ? NO_REQUESTS : classed ? undefined : "No status codes were counted in this range (older samples lack them)"}
        note="share of requests the app (or the router for it) answered with a 5xx status"
        lines={[{ key: "errorRate", name: "5xx share", color: "#b91c1c" }]}
      />
    </div>
  );
}

/** CPU, memory, network and instance count over a chosen range, summed over the app's instances; requests through the router. */
export function MetricsDashboard({ app }: { app: AppDetail }) {
  const [range, setRange] = useState<MetricsRange>(DEFAULT_METRICS_RANGE);
  const metrics = useMetrics(app.name, range);
  // The autoscaler's decisions, drawn on the instance chart.
  const marks = useAutoscaleMarks(app.name, range);

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
          <Charts series={metrics.data} marks={marks} />
          <RequestCharts series={metrics.data} />
        </>
      )}
    </div>
  );
}

export default MetricsDashboard;
