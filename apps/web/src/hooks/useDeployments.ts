import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { type RouterOutputs, useTRPC } from "../lib/trpc.ts";
import { SAFETY_REFETCH_MS } from "./useAppEvents.ts";
import { useToast } from "./useToast.ts";

export type Deployment = RouterOutputs["deployments"]["list"][number];
export type Release = RouterOutputs["releases"]["list"][number];
export type Instance = RouterOutputs["deployments"]["instances"][number];
export type RuntimeOverview = RouterOutputs["deployments"]["overview"];

/** A deployment that can still change. */
export const isActiveDeployment = (status: Deployment["status"]) => status === "queued" || status === "pending" || status === "running";

/** Where the app answers and how the platform runs it; this changes only when the platform restarts. */
export function useRuntimeOverview(app: string) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.deployments.overview.queryOptions({ app }), staleTime: 5 * 60_000 });
}

export function useReleases(app: string) {
  const trpc = useTRPC();
  return useQuery(trpc.releases.list.queryOptions({ app }));
}

/**
 * The app's instances. The supervisor changes them without being asked (health, restarts); its
 * instance.updated events refresh them (useAppEvents), and a slow refetch is the safety net.
 */
export function useInstances(app: string) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.deployments.instances.queryOptions({ app }), refetchInterval: SAFETY_REFETCH_MS });
}

/**
 * The app's deployments, newest first, refreshed by deployment.updated events (useAppEvents) and,
 * while one is queued or running, slowly refetched as a safety net. When one moves on, what it
 * changes (the current release, the releases, the formation, the instances) is refreshed.
 */
export function useDeployments(app: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery({
    ...trpc.deployments.list.queryOptions({ app }),
    refetchInterval: (q) => (q.state.data?.some((d) => isActiveDeployment(d.status)) ? SAFETY_REFETCH_MS : false),
  });

  const progress = query.data?.map((d) => `${d.id}:${d.status}:${d.releaseId}`).join(",");
  const seen = useRef(progress);
  useEffect(() => {
    const before = seen.current;
    seen.current = progress;
    if (before === undefined || before === progress) return;
    void Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.apps.get.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.releases.list.queryKey({ app }) }),
      queryClient.invalidateQueries({ queryKey: trpc.formation.get.queryKey({ app }) }),
      queryClient.invalidateQueries({ queryKey: trpc.deployments.instances.queryKey({ app }) }),
    ]);
  }, [progress, app, queryClient, trpc]);

  return query;
}

/** A new deployment shows at once in the list, which then follows it. */
function useDeploymentStarted(app: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (deployment: Deployment) => {
    queryClient.setQueryData(trpc.deployments.list.queryKey({ app }), (list) => [deployment, ...(list ?? [])]);
    return Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.deployments.list.queryKey({ app }) }),
      queryClient.invalidateQueries({ queryKey: trpc.releases.list.queryKey({ app }) }),
    ]);
  };
}

/** Failures are shown where the deployment was asked for (the form or the dialog). */
export function useCreateDeployment(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const started = useDeploymentStarted(app);
  return useMutation(
    trpc.deployments.create.mutationOptions({
      onSuccess: async (deployment) => {
        toast.success("Deployment queued.");
        await started(deployment);
      },
    }),
  );
}

export function useRollback(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const started = useDeploymentStarted(app);
  return useMutation(
    trpc.deployments.rollback.mutationOptions({
      onSuccess: async (deployment, input) => {
        toast.success(`Rolling back to v${input.release}.`);
        await started(deployment);
      },
    }),
  );
}

/** A rolling restart of the current release; the new deployment shows in the list at once. */
export function useRestart(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const started = useDeploymentStarted(app);
  return useMutation(
    trpc.deployments.restart.mutationOptions({
      onSuccess: async (deployment) => {
        toast.success("Restarting: fresh instances replace the running ones, one at a time.");
        await started(deployment);
      },
    }),
  );
}
