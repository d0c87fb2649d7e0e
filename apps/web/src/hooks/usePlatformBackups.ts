import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

/** The platform's backups (admins); polled while one runs, so its step and result show up. */
export function usePlatformBackups() {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.platformBackups.list.queryOptions(),
    refetchInterval: (query) => (query.state.data?.backups.some((b) => b.status === "running") ? 2000 : false),
  });
}

export function useBackUpNow() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation(
    trpc.platformBackups.create.mutationOptions({
      onSuccess: async () => {
        toast.success("Backing up the platform.");
        await queryClient.invalidateQueries({ queryKey: trpc.platformBackups.list.queryKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
}
