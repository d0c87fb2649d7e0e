import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { errorMessage, useTRPC } from "../lib/trpc.ts";
import { SAFETY_REFETCH_MS } from "./useAppEvents.ts";
import { useToast } from "./useToast.ts";

export function usePipelines() {
  const trpc = useTRPC();
  return useQuery(trpc.pipelines.list.queryOptions());
}

/**
 * One pipeline's stages and review apps. Promotions and review apps change it from the server's
 * side (deployments finish, review apps expire): the page refreshes it on the events it follows,
 * and this slow refetch is the safety net.
 */
export function usePipeline(pipeline: string) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.pipelines.get.queryOptions({ pipeline }), refetchInterval: SAFETY_REFETCH_MS });
}

/** Marks every pipeline query stale: its list (counts) and every pipeline page. Stable, so effects can depend on it. */
export function useRefreshPipelines() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(() => queryClient.invalidateQueries({ queryKey: trpc.pipelines.pathKey() }), [queryClient, trpc]);
}

/** Failures are shown in the dialog that asked. */
export function useCreatePipeline() {
  const trpc = useTRPC();
  const refresh = useRefreshPipelines();
  const toast = useToast();
  return useMutation(
    trpc.pipelines.create.mutationOptions({
      onSuccess: async (pipeline) => {
        toast.success(`Created pipeline ${pipeline.name}.`);
        await refresh();
      },
    }),
  );
}

export function useDeletePipeline() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation(
    trpc.pipelines.delete.mutationOptions({
      onSuccess: async (_, input) => {
        toast.success(`Deleted pipeline ${input.pipeline}; its apps are kept.`);
        queryClient.removeQueries({ queryKey: trpc.pipelines.get.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.pipelines.list.queryKey() });
      },
    }),
  );
}

/** Adding, moving and removing apps: the stage columns are read again after each. */
export function usePipelineApps() {
  const trpc = useTRPC();
  const refresh = useRefreshPipelines();
  const toast = useToast();
  const onError = (error: unknown) => toast.error(errorMessage(error));
  return {
    add: useMutation(trpc.pipelines.addApp.mutationOptions({ onSuccess: () => refresh(), onError })),
    remove: useMutation(trpc.pipelines.removeApp.mutationOptions({ onSuccess: () => refresh(), onError })),
  };
}

/** What promoting `from` would do; asked for afresh each time the dialog opens. */
export function usePromotionPreview(pipeline: string, from: string) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.pipelines.promotionPreview.queryOptions({ pipeline, from }), staleTime: 0, gcTime: 0 });
}

export function usePromote() {
  const trpc = useTRPC();
  const refresh = useRefreshPipelines();
  return useMutation(trpc.pipelines.promote.mutationOptions({ onSuccess: () => refresh() }));
}
