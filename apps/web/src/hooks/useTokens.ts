import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

export function useTokens() {
  const trpc = useTRPC();
  return useQuery(trpc.tokens.list.queryOptions());
}

export function useCreateToken() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() }),
    }),
  );
}

export function useRevokeToken() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation(
    trpc.tokens.revoke.mutationOptions({
      onSuccess: async () => {
        toast.success("Token revoked.");
        await queryClient.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
}
