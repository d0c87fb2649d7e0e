import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage, type RouterOutputs, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

export type AlertKinds = RouterOutputs["alerts"]["kinds"];
export type AlertKind = keyof AlertKinds;
export type AlertRule = RouterOutputs["alerts"]["rules"][number];
export type AlertEvent = RouterOutputs["alerts"]["history"][number];
export type AlertChannel = RouterOutputs["alerts"]["channels"][number];

export function useAlertKinds() {
  const trpc = useTRPC();
  // The same for every app and for the server's lifetime.
  return useQuery({ ...trpc.alerts.kinds.queryOptions(), staleTime: Number.POSITIVE_INFINITY });
}

export function useAlertRules(app: string) {
  const trpc = useTRPC();
  return useQuery(trpc.alerts.rules.queryOptions({ app }));
}

/** The history refreshes on its own: an alert fires or resolves without anyone asking. */
export function useAlertHistory(app: string) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.alerts.history.queryOptions({ app, limit: 50 }), refetchInterval: 30_000 });
}

export function useAlertChannels(team: string) {
  const trpc = useTRPC();
  return useQuery(trpc.alerts.channels.queryOptions({ team }));
}

function useRefreshRules(app: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.alerts.rules.queryKey({ app }) }),
      queryClient.invalidateQueries({ queryKey: trpc.alerts.history.pathKey() }),
    ]);
}

/** Failures show in the form, next to what to fix. */
export function useAddAlertRule(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshRules(app);
  return useMutation(
    trpc.alerts.addRule.mutationOptions({
      onSuccess: async (rule) => {
        toast.success(`Added the alert "${rule.description}".`);
        await refresh();
      },
    }),
  );
}

export function useUpdateAlertRule(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshRules(app);
  return useMutation(
    trpc.alerts.updateRule.mutationOptions({
      onSuccess: async (rule) => {
        toast.success(`The alert "${rule.description}" is ${rule.enabled ? "on" : "off"}.`);
        await refresh();
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
}

export function useRemoveAlertRule(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshRules(app);
  return useMutation(
    trpc.alerts.removeRule.mutationOptions({
      onSuccess: async () => {
        toast.success("Removed the alert rule.");
        await refresh();
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
}

function useRefreshChannels(team: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.alerts.channels.queryKey({ team }) }),
      // A removed channel drops out of every rule.
      queryClient.invalidateQueries({ queryKey: trpc.alerts.rules.pathKey() }),
    ]);
}

/** Failures show in the form; a webhook's signing secret comes back in the answer, once. */
export function useAddAlertChannel(team: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshChannels(team);
  return useMutation(
    trpc.alerts.addChannel.mutationOptions({
      onSuccess: async (channel) => {
        toast.success(`Added the channel ${channel.name}.`);
        await refresh();
      },
    }),
  );
}

export function useRemoveAlertChannel(team: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshChannels(team);
  return useMutation(
    trpc.alerts.removeChannel.mutationOptions({
      onSuccess: async (removed) => {
        toast.success(`Removed the channel ${removed.name}.`);
        await refresh();
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
}

/** Sends a test notice now; how it went is the mutation's answer, shown next to the channel. */
export function useTestAlertChannel() {
  const trpc = useTRPC();
  const toast = useToast();
  return useMutation(trpc.alerts.testChannel.mutationOptions({ onError: (error) => toast.error(errorMessage(error)) }));
}
