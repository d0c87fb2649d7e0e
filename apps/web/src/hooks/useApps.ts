import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage, type RouterInputs, useTRPC } from "../lib/trpc.ts";
import type { AppListFilters } from "../store/paasSlice.ts";
import { useToast } from "./useToast.ts";

export type AppListInput = NonNullable<RouterInputs["apps"]["list"]>;

/** Store filters → the query's input; empty filters are left out rather than sent blank. */
export function appListInput(f: AppListFilters): AppListInput {
  return {
    page: f.page,
    perPage: f.perPage,
    sort: f.sort,
    order: f.order,
    ...(f.search.trim() ? { search: f.search.trim() } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.teamId ? { teamId: f.teamId } : {}),
  };
}

export function useApps(filters: AppListFilters) {
  const trpc = useTRPC();
  // Keep the previous page on screen while the next one loads, so the list does not jump.
  return useQuery({ ...trpc.apps.list.queryOptions(appListInput(filters)), placeholderData: keepPreviousData });
}

export function useTeams() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.teams.list.queryOptions(), staleTime: 5 * 60_000 });
}

export function useCreateApp() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  // Failures are shown inside the dialog, next to the field the user can fix.
  return useMutation(
    trpc.apps.create.mutationOptions({
      onSuccess: async (app) => {
        toast.success(`Created ${app.name}.`);
        await queryClient.invalidateQueries({ queryKey: trpc.apps.list.queryKey() });
      },
    }),
  );
}

export function useDeleteApp() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation(
    trpc.apps.delete.mutationOptions({
      onSuccess: async (deleted) => {
        toast.success(`Deleted ${deleted.name}.`);
        // Its page may be cached under its id and its name; dropping every app page is simplest.
        queryClient.removeQueries({ queryKey: trpc.apps.get.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.apps.list.queryKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
}

/** Moves an app to another team; every cached app page and list is read again (its team and the caller's role changed). */
export function useTransferApp() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation(
    trpc.apps.transfer.mutationOptions({
      onSuccess: async (app) => {
        toast.success(`Moved ${app.name} to ${app.teamName}.`);
        await queryClient.invalidateQueries({ queryKey: trpc.apps.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() });
      },
    }),
  );
}
