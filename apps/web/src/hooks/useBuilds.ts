import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useRef, useState } from "react";
import { errorMessage, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

export const BUILDS_PAGE_SIZE = 20;

/**
 * The app's builds, newest first, a page at a time: "Show older builds" adds the page before
 * the oldest one shown. Live changes arrive through useBuildEvents, which refreshes them.
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

/**
 * Keeps the app's build list and open builds current while the page is open: each
 * `build.updated` event marks them stale. Events come in bursts (every stage change), so they
 * are gathered for a moment and refreshed once.
 */
export function useBuildEvents(app: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const changed = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    },
    [],
  );

  useSubscription(
    trpc.builds.events.subscriptionOptions(
      { app },
      {
        onData(event) {
          changed.current.add(event.buildId);
          timer.current ??= setTimeout(() => {
            timer.current = null;
            const ids = [...changed.current];
            changed.current.clear();
            void queryClient.invalidateQueries({ queryKey: trpc.builds.list.queryKey({ app }) });
            for (const id of ids) void queryClient.invalidateQueries({ queryKey: trpc.builds.get.queryKey({ app, id }) });
          }, 250);
        },
      },
    ),
  );
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
