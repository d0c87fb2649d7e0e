import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type RouterInputs, type RouterOutputs, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

export type ImportView = RouterOutputs["imports"]["get"];
export type ImportStep = ImportView["steps"][number];
export type ImportPlan = RouterOutputs["imports"]["herokuPlan"];
export type HerokuAppSummary = RouterOutputs["imports"]["herokuApps"]["apps"][number];
export type HerokuPlanInput = RouterInputs["imports"]["herokuPlan"];

/** How often a running import is read again; the engine writes each step as it starts and ends. */
export const IMPORT_POLL_MS = 1000;
const RECENT_POLL_MS = 5000;

// Reading Heroku takes the user's token, so those reads are mutations (the token never goes in a URL).
export function useHerokuApps() {
  const trpc = useTRPC();
  return useMutation(trpc.imports.herokuApps.mutationOptions());
}

export function useHerokuPlan() {
  const trpc = useTRPC();
  return useMutation(trpc.imports.herokuPlan.mutationOptions());
}

export function useStartHerokuImport() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.imports.startHeroku.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.imports.list.queryKey() }),
    }),
  );
}

/** One import, read again about once a second while it runs, so its steps move on screen. */
export function useImport(id: string) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.imports.get.queryOptions({ id }),
    refetchInterval: (query) => (query.state.data?.status === "running" ? IMPORT_POLL_MS : false),
  });
}

/** The user's newest imports; followed slowly while one of them runs. */
export function useRecentImports() {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.imports.list.queryOptions({ limit: 10 }),
    refetchInterval: (query) => (query.state.data?.some((i) => i.status === "running") ? RECENT_POLL_MS : false),
  });
}

/** Removes what the import made; the import's page shows the answer at once. */
export function useRollbackImport() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation(
    trpc.imports.rollback.mutationOptions({
      onSuccess: async (view) => {
        toast.success(`Rolled back the import of ${view.app.name}.`);
        queryClient.setQueryData(trpc.imports.get.queryKey({ id: view.id }), view);
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.imports.list.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.apps.list.queryKey() }),
        ]);
      },
    }),
  );
}
