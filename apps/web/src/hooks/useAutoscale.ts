import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type RouterInputs, type RouterOutputs, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

export type AutoscaleSettings = RouterOutputs["autoscale"]["get"];
export type AutoscalePolicy = AutoscaleSettings["policies"][number];
export type AutoscaleSchedule = AutoscaleSettings["schedules"][number];
export type AutoscaleDecision = RouterOutputs["autoscale"]["events"][number];
export type AutoscaleBody = Omit<RouterInputs["autoscale"]["put"], "app">;

export function useAutoscale(app: string) {
  const trpc = useTRPC();
  return useQuery(trpc.autoscale.get.queryOptions({ app }));
}

/** The autoscaler's latest decisions; the app's event stream marks them stale when a new one is made. */
export function useAutoscaleEvents(app: string, limit = 10, sinceSeconds?: number) {
  const trpc = useTRPC();
  return useQuery(trpc.autoscale.events.queryOptions({ app, limit, ...(sinceSeconds ? { sinceSeconds } : {}) }));
}

/** Put answers with every policy of the app, which replaces the cached ones. Failures show in the form. */
export function usePutAutoscale(app: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation(
    trpc.autoscale.put.mutationOptions({
      onSuccess: async (saved) => {
        toast.success("Saved the autoscale policy.");
        queryClient.setQueryData(trpc.autoscale.get.queryKey({ app }), saved);
        await queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() });
      },
    }),
  );
}

const RANGE_SECONDS: Record<string, number> = { "15m": 900, "1h": 3600, "6h": 21_600, "24h": 86_400, "7d": 604_800 };

/** The autoscaler's scale-ups and -downs within a metrics range, as marks for the charts (none while loading or on an error). */
export function useAutoscaleMarks(app: string, range: string): { t: number; label: string }[] {
  const events = useAutoscaleEvents(app, 50, RANGE_SECONDS[range] ?? 3600);
  return (events.data ?? [])
    .filter((e) => e.kind === "scale_up" || e.kind === "scale_down")
    .map((e) => ({ t: e.at.getTime(), label: `${e.processType} ${e.fromQuantity} → ${e.toQuantity}: ${e.reason}` }));
}
