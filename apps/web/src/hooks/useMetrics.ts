import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { MetricsRange } from "../components/paas/metrics.ts";
import { useTRPC } from "../lib/trpc.ts";
import { SAFETY_REFETCH_MS } from "./useAppEvents.ts";

/**
 * The app's CPU, memory, network and instance count over `range`; a new range keeps the old charts
 * until it arrives. Each round of samples (every 10 s) sends a metrics.tick that refreshes it
 * (useAppEvents); the slow refetch is the safety net.
 */
export function useMetrics(app: string, range: MetricsRange) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.metrics.series.queryOptions({ app, range }),
    refetchInterval: SAFETY_REFETCH_MS,
    placeholderData: keepPreviousData,
  });
}
