import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type RouterOutputs, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

export type Maintenance = RouterOutputs["maintenance"]["get"];

/** Whether the app is in maintenance, its page and Retry-After. */
export function useMaintenance(app: string) {
  const trpc = useTRPC();
  return useQuery(trpc.maintenance.get.queryOptions({ app }));
}

/** The server answers once the router serves the change; failures are shown next to the fields. */
export function useSaveMaintenance(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.maintenance.set.mutationOptions({
      onSuccess: (saved, input) => {
        queryClient.setQueryData(trpc.maintenance.get.queryKey({ app }), saved);
        void queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() });
        if (input.enabled === true) toast.success("Maintenance is on: visitors get the maintenance page.");
        else if (input.enabled === false) toast.success("Maintenance is off: the app answers again.");
        else toast.success("Saved the maintenance page.");
      },
    }),
  );
}
