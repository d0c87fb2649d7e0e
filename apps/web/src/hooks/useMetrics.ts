import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { MetricsRange } from "../components/paas/metrics.ts";
import { useTRPC } from "../lib/trpc.ts";

/** The platform samples each running instance every 10 s; polling faster shows nothing new. */
const METRICS_POLL_MS = 10_000;

/** The app's CPU, memory, network and instance count over `range`, polled; a new range keeps the old charts until it arrives. */
export function useMetrics(app: string, range: MetricsRange) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.metrics.series.queryOptions({ app, range }),
    refetchInterval: METRICS_POLL_MS,
    placeholderData: keepPreviousData,
  });
}
