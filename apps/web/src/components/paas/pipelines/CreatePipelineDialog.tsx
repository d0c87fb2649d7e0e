import { type FormEvent, useState } from "react";
import { useTeams } from "../../../hooks/useApps.ts";
import { useCreatePipeline } from "../../../hooks/usePipelines.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { Dialog } from "../../ui/Dialog.tsx";
import { Field, SelectField } from "../../ui/Field.tsx";

/** A pipeline belongs to a team; its apps come from that team. The server owns the naming rules. */
export function CreatePipelineDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (pipeline: { id: string; name: string }) => void;
}) {
  const [name, setName] = useState("");
  const [teamId, setTeamId] = useState("");
  const teams = useTeams();
  const create = useCreatePipeline();
  const writableTeams = (teams.data ?? []).filter((t) => t.role !== "viewer");

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ name: name.trim(), ...(teamId ? { teamId } : {}) }, { onSuccess: onCreated });
  }

  return (
    <Dialog title="Create a pipeline" onClose={onClose} testId="create-pipeline-dialog">
      <form onSubmit={submit} className="space-y-4">
        <Field
          label="Pipeline name"
          autoComplete="off"
          spellCheck={false}
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={create.isError ? errorMessage(create.error) : undefined}
        />
        {writableTeams.length > 1 && (
          <SelectField label="Team" value={teamId} onChange={(e) => setTeamId(e.target.value)}>
            {writableTeams.map((t) => (
              <option key={t.id} value={t.personal ? "" : t.id}>
                {t.personal ? "Personal" : t.name}
              </option>
            ))}
          </SelectField>
        )}
        <div className="flex flex-wrap justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={create.isPending || !name.trim()}>
            {create.isPending ? "Creating…" : "Create pipeline"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
