import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage, type RouterOutputs, useTRPC } from "../lib/trpc.ts";
import { useToast } from "./useToast.ts";

export type AppConfig = RouterOutputs["config"]["get"];
export type ConfigVar = AppConfig["vars"][number];

export function useConfig(idOrName: string) {
  const trpc = useTRPC();
  return useQuery(trpc.config.get.queryOptions({ app: idOrName }));
}

/**
 * The value of one of the app's config vars with secrets revealed, asked for only once `enabled`
 * (the Reveal button) and dropped from the cache as soon as nothing shows it. Null when the
 * user's role may not see values, or the var is gone.
 */
export function useRevealedVar(app: string, key: string, enabled: boolean) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.config.get.queryOptions({ app, revealSecrets: true }),
    enabled,
    gcTime: 0,
    select: (config) => ({ canReveal: config.canReveal, value: config.vars.find((v) => v.key === key)?.value ?? null }),
  });
}

/** set and unset answer with the whole new config, which replaces the cached one at once. */
function useConfigChange(idOrName: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  return <Input>(describe: (input: Input) => string) => ({
    async onSuccess(config: AppConfig & { release?: { version: number }; deploymentId?: string }, input: Input) {
      // A running app gets the change through a new release, rolled out like a deploy.
      const rollout = config.release
        ? config.deploymentId
          ? ` Rolling out v${config.release.version}.`
          : ` Made v${config.release.version}; it runs at the next deploy.`
        : "";
      toast.success(`${describe(input)}${rollout}`);
      queryClient.setQueryData(trpc.config.get.queryKey({ app: idOrName }), config);
      // The overview shows the var count, and the activity list shows the change.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.config.get.queryKey({ app: idOrName, revealSecrets: true }) }),
        queryClient.invalidateQueries({ queryKey: trpc.apps.get.queryKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() }),
      ]);
    },
    onError(error: unknown) {
      toast.error(errorMessage(error));
    },
  });
}

export function useSetConfigVars(idOrName: string) {
  const trpc = useTRPC();
  const change = useConfigChange(idOrName);
  return useMutation(
    trpc.config.set.mutationOptions(
      change(
        (input: { vars: Record<string, string>; secret?: boolean }) =>
          `Saved ${Object.keys(input.vars).join(", ")}${input.secret ? " as a secret" : ""}.`,
      ),
    ),
  );
}

/**
 * Removing is shown at once (optimistically): nothing else depends on the row, and if the server
 * refuses, the row comes back with the server's reason.
 */
export function useUnsetConfigVars(idOrName: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const change = useConfigChange(idOrName)((input: { keys: string[] }) => `Removed ${input.keys.join(", ")}.`);
  const key = trpc.config.get.queryKey({ app: idOrName });
  return useMutation(
    trpc.config.unset.mutationOptions({
      ...change,
      async onMutate(input) {
        // A refetch in flight would answer with the row still there.
        await queryClient.cancelQueries({ queryKey: key });
        const before = queryClient.getQueryData(key);
        queryClient.setQueryData(key, (config) => config && { ...config, vars: config.vars.filter((v) => !input.keys.includes(v.key)) });
        return { before };
      },
      onError(error, _input, context) {
        if (context?.before) queryClient.setQueryData(key, context.before);
        change.onError(error);
      },
    }),
  );
}
