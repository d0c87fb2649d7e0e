import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type RouterOutputs, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

export type TrafficPolicy = RouterOutputs["traffic"]["get"];

/** The app's traffic protection at the router, and what the running router can apply. */
export function useTrafficPolicy(app: string) {
  const trpc = useTRPC();
  return useQuery(trpc.traffic.get.queryOptions({ app }));
}

/** Saving writes the answer into the cache; failures are shown next to the fields. */
export function useSaveTrafficPolicy(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.traffic.set.mutationOptions({
      onSuccess: (policy) => {
        queryClient.setQueryData(trpc.traffic.get.queryKey({ app }), policy);
        void queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() });
        toast.success("Saved the traffic protection; the router applies it within seconds.");
      },
    }),
  );
}
