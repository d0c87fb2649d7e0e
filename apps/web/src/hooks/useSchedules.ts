import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type RouterOutputs, useTRPC } from "../lib/trpc.ts";
import { SAFETY_REFETCH_MS } from "./useAppEvents.ts";
import { useToast } from "./useToast.ts";

export type ScheduledJob = RouterOutputs["schedules"]["list"]["jobs"][number];
export type ScheduledRun = RouterOutputs["schedules"]["runs"][number];

/** The app's jobs; they run on their own, so the list and runs refresh on a timer too. */
export function useSchedules(app: string) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.schedules.list.queryOptions({ app }), refetchInterval: SAFETY_REFETCH_MS });
}

export function useScheduleRuns(app: string, name: string) {
  const trpc = useTRPC();
  return useQuery({ ...trpc.schedules.runs.queryOptions({ app, name, limit: 20 }), refetchInterval: 10_000 });
}

/** The next due times of what the form holds; nothing is asked until there is a schedule. */
export function useSchedulePreview(schedule: string, timezone: string) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.schedules.preview.queryOptions({ schedule, timezone: timezone || "UTC", count: 3 }),
    enabled: schedule.trim().length > 0,
    retry: false,
  });
}

/** A run's log lines: the one-off that ran it is their instance. */
export function useRunLogs(app: string, oneOffId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.logs.query.queryOptions({ app, instanceId: oneOffId, tail: 200 }));
}

function useRefresh(app: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.schedules.list.queryKey({ app }) }),
      queryClient.invalidateQueries({ queryKey: trpc.schedules.runs.pathKey() }),
    ]);
}

/** Failures show in the form, next to what to fix. */
export function useSaveSchedule(app: string, editing: boolean) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefresh(app);
  const create = useMutation(trpc.schedules.create.mutationOptions({ onSuccess: refresh }));
  const update = useMutation(trpc.schedules.update.mutationOptions({ onSuccess: refresh }));
  const m = editing ? update : create;
  return {
    ...m,
    save: (input: Parameters<typeof create.mutate>[0], done: () => void) =>
      (editing ? update.mutate : create.mutate)(input, {
        onSuccess: (job) => {
          toast.success(`Saved the scheduled job ${job.name}.`);
          done();
        },
      }),
  };
}

export function useRemoveSchedule(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefresh(app);
  return useMutation(
    trpc.schedules.remove.mutationOptions({
      onSuccess: async (job) => {
        toast.success(`Removed the scheduled job ${job.name}.`);
        await refresh();
      },
      onError: (err) => toast.error(err.message),
    }),
  );
}

export function useRunScheduleNow(app: string) {
  const trpc = useTRPC();
  const toast = useToast();
  const refresh = useRefresh(app);
  return useMutation(
    trpc.schedules.runNow.mutationOptions({
      onSuccess: async () => {
        toast.success("Started; its output goes to the app's logs.");
        await refresh();
      },
      onError: (err) => toast.error(err.message),
    }),
  );
}
