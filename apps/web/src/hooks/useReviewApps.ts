import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../lib/trpc.ts";
import { useRefreshPipelines } from "./usePipelines.ts";
import { useToast } from "./useToast.ts";

// Review apps are shown inside the pipeline's view (pipelines.get), which is read again after each change.

export function useCreateReviewApp() {
  const trpc = useTRPC();
  const refresh = useRefreshPipelines();
  const toast = useToast();
  return useMutation(
    trpc.reviewApps.create.mutationOptions({
      onSuccess: async (review) => {
        toast.success(`Creating the review app for ${review.branch}.`);
        await refresh();
      },
    }),
  );
}

export function useDestroyReviewApp() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = useRefreshPipelines();
  const toast = useToast();
  return useMutation(
    trpc.reviewApps.destroy.mutationOptions({
      onSuccess: async (_, input) => {
        toast.success(`Destroying the review app ${input.confirm}.`);
        // Its app goes with it.
        await queryClient.invalidateQueries({ queryKey: trpc.apps.list.queryKey() });
        await refresh();
      },
    }),
  );
}

export function useUpdateReviewSettings() {
  const trpc = useTRPC();
  const refresh = useRefreshPipelines();
  const toast = useToast();
  return useMutation(
    trpc.reviewApps.updateSettings.mutationOptions({
      onSuccess: async () => {
        toast.success("Saved the review app settings.");
        await refresh();
      },
    }),
  );
}

/** The new secret is in the mutation's data only: it is shown once and never read back. */
export function useRotateWebhookSecret() {
  const trpc = useTRPC();
  const refresh = useRefreshPipelines();
  return useMutation(trpc.reviewApps.rotateWebhookSecret.mutationOptions({ onSuccess: () => refresh() }));
}
