import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type RouterOutputs, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

export type ProcessFormation = RouterOutputs["formation"]["get"][number];

/** How many instances of each process type the app should run, with their limits. */
export function useFormation(app: string) {
  const trpc = useTRPC();
  return useQuery(trpc.formation.get.queryOptions({ app }));
}

/** Scale answers with the whole new formation; failures are shown in the form that asked. */
export function useScale(app: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation(
    trpc.formation.scale.mutationOptions({
      onSuccess: async (formation, input) => {
        const counts = Object.entries(input.changes).map(([type, c]) => `${type} to ${typeof c === "number" ? c : c.quantity}`);
        toast.success(`Scaled ${counts.join(", ")}.`);
        queryClient.setQueryData(trpc.formation.get.queryKey({ app }), formation);
        // The platform starts or stops instances at once; show them coming and going.
        await queryClient.invalidateQueries({ queryKey: trpc.deployments.instances.queryKey({ app }) });
      },
    }),
  );
}

/** Limits of one process type; the whole new formation replaces the cached one. Failures show in the row. */
export function useSetLimits(app: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation(
    trpc.formation.scale.mutationOptions({
      onSuccess: (formation, input) => {
        toast.success(`Saved the limits of ${Object.keys(input.changes).join(", ")}.`);
        queryClient.setQueryData(trpc.formation.get.queryKey({ app }), formation);
      },
    }),
  );
}
