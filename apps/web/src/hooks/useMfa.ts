import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../lib/trpc.ts";
import { useStartsSession } from "./useSession.ts";

/** The login's second step: the challenge the password earned, and a code. */
export function useLoginWithCode() {
  const trpc = useTRPC();
  const restart = useStartsSession();
  return useMutation(trpc.auth.loginWithCode.mutationOptions({ onSuccess: restart }));
}

export function useMfaStatus() {
  const trpc = useTRPC();
  return useQuery(trpc.mfa.status.queryOptions());
}

function useRefreshMfa() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.mfa.status.queryKey() });
}

/**
 * The session is asked again once the recovery codes are put away (not as soon as MFA is on):
 * a session waiting for enrolment then opens the dashboard, and the codes must not vanish first.
 */
export function useRefreshSession() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.auth.session.queryKey() });
}

export function useEnrolMfa() {
  const trpc = useTRPC();
  return useMutation(trpc.mfa.enrol.mutationOptions());
}

export function useConfirmMfa() {
  const trpc = useTRPC();
  const refresh = useRefreshMfa();
  return useMutation(trpc.mfa.confirm.mutationOptions({ onSuccess: refresh }));
}

export function useDisableMfa() {
  const trpc = useTRPC();
  const refresh = useRefreshMfa();
  return useMutation(trpc.mfa.disable.mutationOptions({ onSuccess: refresh }));
}

export function useRegenerateRecoveryCodes() {
  const trpc = useTRPC();
  const refresh = useRefreshMfa();
  return useMutation(trpc.mfa.regenerateRecoveryCodes.mutationOptions({ onSuccess: refresh }));
}

export function useSetTeamMfaRequired() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.teams.setMfaRequired.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.teams.list.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.auth.session.queryKey() });
      },
    }),
  );
}
