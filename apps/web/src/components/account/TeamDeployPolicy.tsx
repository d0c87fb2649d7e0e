import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage, type RouterOutputs, useTRPC } from "../../lib/trpc.ts";

type Team = RouterOutputs["teams"]["list"][number];

/**
 * Each team's deploy policy: owners and admins turn "block deploys with critical findings" on or
 * off; other members see it, since it explains why a deploy was refused.
 */
export function TeamDeployPolicy() {
  const trpc = useTRPC();
  const teams = useQuery(trpc.teams.list.queryOptions());
  const all = teams.data ?? [];
  if (all.length === 0) return null;
  // Shared teams first; the personal team (your own apps) last.
  const ordered = [...all.filter((t) => !t.personal), ...all.filter((t) => t.personal)];
  return (
    <section aria-labelledby="deploy-policy-heading">
      <h2 id="deploy-policy-heading" className="text-lg font-semibold">
        Deploy policy
      </h2>
      <p className="mb-3 mt-1 text-sm text-slate-600">
        Every build's locked dependencies are scanned for known vulnerabilities. A team can refuse deploys of builds with critical findings;
        a deploy can still go out with an override reason, which the audit log keeps.
      </p>
      <ul className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm" data-testid="team-deploy-policies">
        {ordered.map((team) => (
          <TeamPolicyRow key={team.id} team={team} />
        ))}
      </ul>
    </section>
  );
}

function TeamPolicyRow({ team }: { team: Team }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const policy = useQuery(trpc.teams.deployPolicy.queryOptions({ teamId: team.id }));
  const set = useMutation(
    trpc.teams.setDeployPolicy.mutationOptions({
      onSuccess: (next) => queryClient.setQueryData(trpc.teams.deployPolicy.queryKey({ teamId: team.id }), next),
    }),
  );
  const manages = team.role === "owner" || team.role === "admin";
  const name = team.personal ? "your personal apps" : team.name;
  return (
    <li data-testid="team-deploy-policy" data-team={team.name}>
      <label className="flex items-center gap-2">
        <input
          type="checkbox"
          checked={policy.data?.blockCriticalDeploys ?? false}
          disabled={!manages || !policy.data || set.isPending}
          onChange={(e) => set.mutate({ teamId: team.id, blockCriticalDeploys: e.target.checked })}
        />
        Block deploys with critical findings in <span className="font-medium">{name}</span>
        {!manages && <span className="text-slate-600">(set by the team's owners and admins)</span>}
      </label>
      {(set.isError || policy.isError) && (
        <p role="alert" className="mt-1 text-red-700">
          {errorMessage(set.error ?? policy.error)}
        </p>
      )}
    </li>
  );
}
