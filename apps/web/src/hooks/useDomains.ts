import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage, type RouterOutputs, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

export type AppDomain = RouterOutputs["domains"]["list"][number];

export function useDomains(app: string) {
  const trpc = useTRPC();
  return useQuery(trpc.domains.list.queryOptions({ app }));
}

/** After a change the list and the app page (which lists domains too) are read again. */
function useRefreshDomains(app: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.domains.list.queryKey({ app }) }),
      queryClient.invalidateQueries({ queryKey: trpc.apps.get.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() }),
    ]);
}

/** Failures are shown next to the field, where the user can fix the name. */
export function useAddDomain(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshDomains(app);
  return useMutation(
    trpc.domains.add.mutationOptions({
      onSuccess: async (domain) => {
        toast.success(`Added ${domain.hostname}.`);
        await refresh();
      },
    }),
  );
}

export function useRemoveDomain(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshDomains(app);
  return useMutation(
    trpc.domains.remove.mutationOptions({
      onSuccess: async (removed) => {
        toast.success(`Removed ${removed.hostname}.`);
        await refresh();
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
}

/** Checks the domain's DNS (and reads its certificate back) now; the list shows what was found. */
export function useCheckDomain(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshDomains(app);
  return useMutation(
    trpc.domains.check.mutationOptions({
      onSuccess: async () => {
        await refresh();
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
}

/** Turns Strict-Transport-Security on or off for the domain's HTTPS answers. */
export function useSetDomainHsts(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshDomains(app);
  return useMutation(
    trpc.domains.setHsts.mutationOptions({
      onSuccess: async (domain) => {
        toast.success(`HSTS is ${domain.hsts ? "on" : "off"} for ${domain.hostname}.`);
        await refresh();
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
}
