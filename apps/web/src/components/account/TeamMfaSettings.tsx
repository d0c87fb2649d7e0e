import { useQuery } from "@tanstack/react-query";
import { useSetTeamMfaRequired } from "../../hooks/useMfa.ts";
import { errorMessage, useTRPC } from "../../lib/trpc.ts";

/** For teams the user owns or administers: require every member to sign in with a second factor. */
export function TeamMfaSettings() {
  const trpc = useTRPC();
  const teams = useQuery(trpc.teams.list.queryOptions());
  const setRequired = useSetTeamMfaRequired();
  const managed = (teams.data ?? []).filter((t) => !t.personal && (t.role === "owner" || t.role === "admin"));
  if (managed.length === 0) return null;
  return (
    <fieldset className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <legend className="px-1 font-medium">Teams you manage</legend>
      {managed.map((team) => (
        <label key={team.id} className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={team.mfaRequired}
            disabled={setRequired.isPending}
            onChange={(e) => setRequired.mutate({ teamId: team.id, required: e.target.checked })}
          />
          Require multi-factor sign-in in <span className="font-medium">{team.name}</span>
        </label>
      ))}
      {setRequired.isError && (
        <p role="alert" className="text-red-700">
          {errorMessage(setRequired.error)}
        </p>
      )}
    </fieldset>
  );
}
