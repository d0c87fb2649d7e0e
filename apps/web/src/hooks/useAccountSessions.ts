import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

/** Where the user is logged in (their sessions, not "who is logged in": that is useSession). */
export function useAccountSessions() {
  const trpc = useTRPC();
  return useQuery(trpc.sessions.list.queryOptions());
}

export function useEndSession() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation(
    trpc.sessions.revoke.mutationOptions({
      onSuccess: async () => {
        toast.success("Session ended.");
        await queryClient.invalidateQueries({ queryKey: trpc.sessions.list.queryKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
}

export function useEndOtherSessions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation(
    trpc.sessions.revokeOthers.mutationOptions({
      onSuccess: async ({ revoked }) => {
        toast.success(revoked === 1 ? "1 other session ended." : `${revoked} other sessions ended.`);
        await queryClient.invalidateQueries({ queryKey: trpc.sessions.list.queryKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
}
