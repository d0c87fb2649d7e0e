import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type RouterOutputs, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

export type AutoscaleSettings = RouterOutputs["autoscale"]["get"];
export type AutoscalePolicy = AutoscaleSettings["policies"][number];

export function useAutoscale(app: string) {
  const trpc = useTRPC();
  return useQuery(trpc.autoscale.get.queryOptions({ app }));
}

/** Set answers with every policy of the app, which replaces the cached ones. Failures show in the form. */
export function useSetAutoscale(app: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation(
    trpc.autoscale.set.mutationOptions({
      onSuccess: async (saved, input) => {
        toast.success(`Saved the ${input.processType} autoscale policy.`);
        queryClient.setQueryData(trpc.autoscale.get.queryKey({ app }), saved);
        await queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() });
      },
    }),
  );
}
