import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { formatUtcHour } from "../lib/format.ts";
import { errorMessage, type RouterOutputs, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

export type Addon = RouterOutputs["addons"]["list"][number];
export type AddonBackup = RouterOutputs["addons"]["backups"][number];

/** How often a list with a backup or restore still running is read again. */
export const ADDON_POLL_MS = 2000;

export const isBackupBusy = (b: AddonBackup) => b.status === "running" || b.restoreStatus === "running";

/** The app's add-ons (its own and those attached to it); read again while one is being made or restored. */
export function useAddons(app: string) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.addons.list.queryOptions({ app }),
    refetchInterval: (q) => (q.state.data?.some((a) => a.status !== "available") ? ADDON_POLL_MS : false),
  });
}

/**
 * A change to an add-on sets or unsets config vars (on this app or another), so the add-on lists,
 * the config, the app page (its var count) and the activity list are all read again.
 */
function useRefreshAddons() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.addons.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.addons.backups.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.config.get.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.apps.get.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() }),
    ]);
}

/** Failures are shown in the form, where the user can pick another name. */
export function useCreateAddon() {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshAddons();
  return useMutation(
    trpc.addons.create.mutationOptions({
      onSuccess: async (addon) => {
        toast.success(`Created ${addon.name}${addon.attachedAs ? `, set as ${addon.attachedAs}` : ""}.`);
        await refresh();
      },
    }),
  );
}

/** Failures are shown in the form. */
export function useAttachAddon(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshAddons();
  return useMutation(
    trpc.addons.attach.mutationOptions({
      onSuccess: async (addon, input) => {
        toast.success(`Attached ${addon.name} to ${input.target ?? app}.`);
        await refresh();
      },
    }),
  );
}

export function useDetachAddon() {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshAddons();
  return useMutation(
    trpc.addons.detach.mutationOptions({
      onSuccess: async (addon) => {
        toast.success(`Detached ${addon.name}; its data stays.`);
        await refresh();
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
}

/** Failures are shown in the confirmation dialog. */
export function useDestroyAddon() {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshAddons();
  return useMutation(
    trpc.addons.destroy.mutationOptions({
      onSuccess: async (removed) => {
        toast.success(`Destroyed ${removed.name} and its data.`);
        await refresh();
      },
    }),
  );
}

/**
 * A PostgreSQL add-on's backups, newest first, read every 2 s while one is being taken or restored
 * and not at all once none is. When one finishes, the add-ons are read again: a restore changes
 * the add-on's status, and one into a new add-on makes that add-on and its config var.
 */
export function useBackups(app: string, addonId: string) {
  const trpc = useTRPC();
  const refresh = useRefreshAddons();
  const query = useQuery({
    ...trpc.addons.backups.queryOptions({ app, addonId }),
    refetchInterval: (q) => (q.state.data?.some(isBackupBusy) ? ADDON_POLL_MS : false),
  });

  const busy = query.data
    ?.filter(isBackupBusy)
    .map((b) => `${b.id}:${b.status}:${b.restoreStatus}`)
    .join(",");
  const seen = useRef(busy);
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;
  useEffect(() => {
    const before = seen.current;
    seen.current = busy;
    if (before !== undefined && before !== busy) void refreshRef.current();
  }, [busy]);

  return query;
}

/** The new backup shows at once as running; a refusal is shown next to the button. */
export function useCreateBackup(app: string, addonId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.addons.createBackup.mutationOptions({
      onSuccess: async (backup) => {
        queryClient.setQueryData(trpc.addons.backups.queryKey({ app, addonId }), (list) => [backup, ...(list ?? [])]);
        await queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() });
      },
    }),
  );
}

/** Failures are shown in the restore dialog. */
export function useRestoreBackup() {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefreshAddons();
  return useMutation(
    trpc.addons.restore.mutationOptions({
      onSuccess: async () => {
        toast.success("Restore started.");
        await refresh();
      },
    }),
  );
}

export function useSetBackupSchedule() {
  const trpc = useTRPC();
  const toast = useToast();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.addons.setBackupSchedule.mutationOptions({
      onSuccess: async ({ backupHour }) => {
        toast.success(backupHour === null ? "Scheduled backups are off." : `A backup is taken daily at ${formatUtcHour(backupHour)}.`);
        await queryClient.invalidateQueries({ queryKey: trpc.addons.list.queryKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
}
