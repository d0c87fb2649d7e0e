import { EngineNotice } from "./EngineNotice.tsx";
import type { AppDetail } from "./types.ts";

export function MetricsDashboard({ app }: { app: AppDetail }) {
  return (
    <EngineNotice title="Metrics" testId="metrics-empty">
      <p>Metrics arrive with the runtime engine; {app.name} has no running instances yet, so no CPU, memory or request numbers exist.</p>
      <p>Once it lands, this tab charts CPU, memory, network, request rate and response time over a chosen time range.</p>
    </EngineNotice>
  );
}

export default MetricsDashboard;
