import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage, type RouterOutputs, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

export type LogDrain = RouterOutputs["drains"]["list"][number];

/** The app's log drains; their counts move as lines are sent, so the list is read again every 10 s. */
export function useDrains(app: string) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.drains.list.queryOptions({ app }), refetchInterval: 10_000 });
}

function useRefreshDrains(app: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.drains.list.queryKey({ app }) }),
      queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() }),
    ]);
}

/** Failures are shown next to the field, where the user can fix the URL. */
export function useAddDrain(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshDrains(app);
  return useMutation(
    trpc.drains.add.mutationOptions({
      onSuccess: async (drain) => {
        toast.success(`Added the drain ${drain.url}.`);
        await refresh();
      },
    }),
  );
}

export function useRemoveDrain(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshDrains(app);
  return useMutation(
    trpc.drains.remove.mutationOptions({
      onSuccess: async (removed) => {
        toast.success(`Removed the drain ${removed.url}.`);
        await refresh();
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
}
