import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type RouterOutputs, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

export type EgressPolicy = RouterOutputs["egress"]["get"];
export type EgressRule = EgressPolicy["rules"][number];

/** What the app's instances may reach outside the platform. */
export function useEgress(app: string) {
  const trpc = useTRPC();
  return useQuery(trpc.egress.get.queryOptions({ app }));
}

/** Saving writes the answer into the cache; failures are shown next to the fields. */
export function useSaveEgress(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.egress.set.mutationOptions({
      onSuccess: (policy) => {
        queryClient.setQueryData(trpc.egress.get.queryKey({ app }), { mode: policy.mode, rules: policy.rules });
        void queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() });
        toast.success(`Saved the egress policy; ${policy.appliedTo ?? 0} running instance(s) follow it now.`);
      },
    }),
  );
}
