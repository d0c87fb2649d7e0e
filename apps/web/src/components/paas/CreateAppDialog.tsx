import { type FormEvent, useState } from "react";
import { useCreateApp, useTeams } from "../../hooks/useApps.ts";
import { errorMessage } from "../../lib/trpc.ts";
import { Button } from "../ui/Button.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { Field, SelectField } from "../ui/Field.tsx";
import type { AppSummary } from "./types.ts";

const NAME_HINT = "3 to 30 characters: lowercase letters, digits and dashes, starting with a letter.";

/** The server owns the naming rules; its message (the rule, or "already taken") is shown as it comes. */
export function CreateAppDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (app: AppSummary) => void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [teamId, setTeamId] = useState("");
  const teams = useTeams();
  const create = useCreateApp();
  const writableTeams = (teams.data ?? []).filter((t) => t.role !== "viewer");

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      {
        name: name.trim(),
        ...(description.trim() ? { description: description.trim() } : {}),
        ...(teamId ? { teamId } : {}),
      },
      { onSuccess: onCreated },
    );
  }

  return (
    <Dialog title="Create an app" onClose={onClose} testId="create-app-dialog">
      <form onSubmit={submit} className="space-y-4">
        <Field
          label="App name"
          name="name"
          autoComplete="off"
          spellCheck={false}
          required
          hint={NAME_HINT}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={create.isError ? errorMessage(create.error) : undefined}
        />
        <Field label="Description (optional)" name="description" value={description} onChange={(e) => setDescription(e.target.value)} />
        {writableTeams.length > 1 && (
          <SelectField label="Team" value={teamId} onChange={(e) => setTeamId(e.target.value)}>
            <option value="">Personal</option>
            {writableTeams
              .filter((t) => !t.personal)
              .map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
          </SelectField>
        )}
        <div className="flex flex-wrap justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={create.isPending || !name.trim()}>
            {create.isPending ? "Creating…" : "Create app"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
