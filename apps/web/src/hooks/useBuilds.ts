import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

export const BUILDS_PAGE_SIZE = 20;

/**
 * The app's builds, newest first, a page at a time: "Show older builds" adds the page before
 * the oldest one shown. Live changes arrive through useAppEvents, which refreshes them.
 */
export function useBuilds(app: string) {
  const trpc = useTRPC();
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const pages = useQueries({
    queries: cursors.map((beforeNumber) =>
      trpc.builds.list.queryOptions({ app, limit: BUILDS_PAGE_SIZE, ...(beforeNumber ? { beforeNumber } : {}) }),
    ),
  });
  const first = pages[0];
  const lastPage = pages[pages.length - 1]?.data;
  const oldest = lastPage?.[lastPage.length - 1];
  return {
    builds: pages.flatMap((p) => p.data ?? []),
    isPending: first?.isPending ?? true,
    error: first?.error ?? null,
    refetch: () => first?.refetch(),
    hasOlder: lastPage?.length === BUILDS_PAGE_SIZE && oldest !== undefined && oldest.number > 1,
    isFetchingOlder: pages.length > 1 && (pages[pages.length - 1]?.isPending ?? false),
    showOlder: () => {
      if (oldest) setCursors((c) => (c.includes(oldest.number) ? c : [...c, oldest.number]));
    },
  };
}

export function useBuild(app: string, id: string) {
  const trpc = useTRPC();
  return useQuery(trpc.builds.get.queryOptions({ app, id }));
}

export function useStartGitBuild(app: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Failures are shown in the form, next to what the user can fix.
  return useMutation(
    trpc.builds.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.builds.list.queryKey({ app }) }),
    }),
  );
}

export function useCancelBuild(app: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  return useMutation(
    trpc.builds.cancel.mutationOptions({
      onSuccess: async (result) => {
        toast.success(result.status === "cancelling" ? "Stopping the build…" : "Build cancelled.");
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.builds.get.queryKey({ app, id: result.id }) }),
          queryClient.invalidateQueries({ queryKey: trpc.builds.list.queryKey({ app }) }),
        ]);
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
}
