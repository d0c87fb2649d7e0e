import { type FormEvent, useState } from "react";
import { useTeams, useTransferApp } from "../../../hooks/useApps.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { SelectField } from "../../ui/Field.tsx";
import { TypeToConfirm } from "../../ui/TypeToConfirm.tsx";
import type { AppDetail } from "../types.ts";

/**
 * Moves the app to another team. Its members gain it and this team's lose it, so, as for
 * deleting, the user types the app's name first.
 */
export function TransferApp({ app }: { app: AppDetail }) {
  const teams = useTeams();
  const transfer = useTransferApp();
  const [teamId, setTeamId] = useState("");
  const [typed, setTyped] = useState("");
  // The platform lets members and above create apps in a team, and so move one into it.
  const targets = (teams.data ?? []).filter((t) => t.id !== app.teamId && t.role !== "viewer");
  const target = targets.find((t) => t.id === teamId);
  const ready = Boolean(target) && typed === app.name;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (ready) transfer.mutate({ app: app.id, teamId }, { onSuccess: () => setTyped("") });
  }

  if (teams.isSuccess && targets.length === 0) {
    return (
      <p className="text-sm text-slate-700" data-testid="transfer-app">
        To move {app.name} to another team, you need to be a member, admin or owner of that team; you are in no other such team.
      </p>
    );
  }

  return (
    <form onSubmit={submit} className="space-y-3" aria-label="Transfer app" data-testid="transfer-app">
      <p className="text-sm text-slate-700">
        Moves <strong>{app.name}</strong> with its config vars, releases, domains and running instances to another team. Its name, address
        and instances stay as they are; who can see and change it follows the new team's members.
      </p>
      <SelectField label="New team" value={teamId} onChange={(e) => setTeamId(e.target.value)} disabled={teams.isPending}>
        <option value="">{teams.isPending ? "Loading teams…" : "Choose a team"}</option>
        {targets.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name} ({t.role})
          </option>
        ))}
      </SelectField>
      <TypeToConfirm name={app.name} value={typed} onChange={setTyped} lead="To transfer, type" tail={null} />
      {transfer.isError && (
        <p role="alert" className="text-sm text-red-700">
          {errorMessage(transfer.error)}
        </p>
      )}
      <div className="flex justify-end">
        <Button type="submit" variant="danger" disabled={!ready || transfer.isPending}>
          {transfer.isPending ? "Transferring…" : target ? `Transfer to ${target.name}` : "Transfer app"}
        </Button>
      </div>
    </form>
  );
}
