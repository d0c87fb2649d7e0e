import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type RouterOutputs, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

export type LogRetention = RouterOutputs["logs"]["retention"];

/** How long and how much of its log the app keeps. */
export function useLogRetention(app: string) {
  const trpc = useTRPC();
  return useQuery(trpc.logs.retention.queryOptions({ app }));
}

/** Saving or resetting writes the answer into the cache; failures are shown next to the fields. */
export function useSaveLogRetention(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  const saved = (limits: LogRetention) => {
    queryClient.setQueryData(trpc.logs.retention.queryKey({ app }), limits);
    void queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() });
  };
  const set = useMutation(
    trpc.logs.setRetention.mutationOptions({
      onSuccess: (limits) => {
        saved(limits);
        toast.success("Saved the log retention.");
      },
    }),
  );
  const reset = useMutation(
    trpc.logs.resetRetention.mutationOptions({
      onSuccess: (limits) => {
        saved(limits);
        toast.success("The app keeps the platform's log retention again.");
      },
    }),
  );
  return { set, reset };
}
