import { matchQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../lib/trpc.ts";

export function useSession() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.auth.session.queryOptions(), staleTime: 60_000 });
}

/** Login, setup and logout change who is asking: drop what the last session cached, then ask again who we are. */
export function useStartsSession() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sessionKey = trpc.auth.session.queryKey();
  return async () => {
    queryClient.removeQueries({ predicate: (query) => !matchQuery({ queryKey: sessionKey }, query) });
    await queryClient.refetchQueries({ queryKey: sessionKey });
  };
}

export function useLogin() {
  const trpc = useTRPC();
  const restart = useStartsSession();
  return useMutation(trpc.auth.login.mutationOptions({ onSuccess: restart }));
}

export function useSetup() {
  const trpc = useTRPC();
  const restart = useStartsSession();
  return useMutation(trpc.auth.setup.mutationOptions({ onSuccess: restart }));
}

export function useLogout() {
  const trpc = useTRPC();
  const restart = useStartsSession();
  return useMutation(trpc.auth.logout.mutationOptions({ onSettled: restart }));
}
