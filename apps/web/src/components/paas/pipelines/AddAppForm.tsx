import { type FormEvent, useState } from "react";
import { useApps } from "../../../hooks/useApps.ts";
import { usePipelineApps } from "../../../hooks/usePipelines.ts";
import { initialAppListFilters } from "../../../store/paasSlice.ts";
import { Button } from "../../ui/Button.tsx";
import { SelectField } from "../../ui/Field.tsx";
import { STAGE_LABELS, type Stage } from "./types.ts";

/**
 * Puts one of the team's apps at a stage. An app already in this pipeline is moved (the server
 * does that); one in another pipeline is refused with the server's message.
 */
export function AddAppForm({ pipeline, teamId, stage, here }: { pipeline: string; teamId: string; stage: Stage; here: string[] }) {
  const apps = useApps({ ...initialAppListFilters, perPage: 100, sort: "name", order: "asc", teamId });
  const { add } = usePipelineApps();
  const [app, setApp] = useState("");
  const choices = (apps.data?.items ?? []).filter((a) => !here.includes(a.name));

  function submit(event: FormEvent) {
    event.preventDefault();
    if (app) add.mutate({ pipeline, app, stage }, { onSuccess: () => setApp("") });
  }

  return (
    <form onSubmit={submit} aria-label={`Add an app to ${STAGE_LABELS[stage]}`} className="flex items-end gap-2">
      <SelectField label={`App for ${STAGE_LABELS[stage]}`} className="min-w-0 flex-1" value={app} onChange={(e) => setApp(e.target.value)}>
        <option value="">Choose an app…</option>
        {choices.map((a) => (
          <option key={a.id} value={a.name}>
            {a.name}
          </option>
        ))}
      </SelectField>
      <Button type="submit" disabled={!app || add.isPending}>
        Add
      </Button>
    </form>
  );
}
