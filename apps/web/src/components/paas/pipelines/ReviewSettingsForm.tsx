import { type FormEvent, useState } from "react";
import { useUpdateReviewSettings } from "../../../hooks/useReviewApps.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { Field, SelectField } from "../../ui/Field.tsx";
import type { PipelineView, ReviewSettings } from "./types.ts";
import { WebhookSecret } from "./WebhookSecret.tsx";

const HOUR = 3600;

/** What the form holds: text as typed, so a half-typed number is not rewritten under the cursor. */
function draftOf(s: ReviewSettings) {
  return {
    enabled: s.enabled,
    parentApp: s.parentApp?.name ?? "",
    addons: s.addons,
    maxApps: String(s.maxApps),
    whenFull: s.whenFull,
    ttlHours: s.ttlSeconds === null ? "" : String(s.ttlSeconds / HOUR),
    repository: s.repository ?? "",
  };
}

/** The pipeline's review app settings; the server checks every value and its message is shown as it comes. */
export function ReviewSettingsForm({ pipeline }: { pipeline: PipelineView }) {
  const [draft, setDraft] = useState(() => draftOf(pipeline.review));
  const update = useUpdateReviewSettings();
  const set = (patch: Partial<typeof draft>) => setDraft((d) => ({ ...d, ...patch }));
  // Review apps copy the config of a development or staging app, never production's.
  const parents = pipeline.stages.filter((s) => s.stage !== "production").flatMap((s) => s.apps);

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate(
      {
        pipeline: pipeline.id,
        enabled: draft.enabled,
        parentApp: draft.parentApp || null,
        addons: draft.addons,
        maxApps: Number(draft.maxApps),
        whenFull: draft.whenFull,
        ttlSeconds: draft.ttlHours.trim() ? Math.round(Number(draft.ttlHours) * HOUR) : null,
        repository: draft.repository.trim() || null,
      },
      { onSuccess: (saved) => setDraft(draftOf(saved)) },
    );
  }

  return (
    <section aria-label="Review app settings" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="text-base font-semibold">Review app settings</h2>
      <form onSubmit={submit} className="mt-3 grid gap-3 sm:grid-cols-2">
        <label className="flex items-center gap-2 text-sm text-slate-800 sm:col-span-2">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
          Review apps are on for this pipeline
        </label>
        <SelectField label="Config inherited from" value={draft.parentApp} onChange={(e) => set({ parentApp: e.target.value })}>
          <option value="">No parent app</option>
          {parents.map((a) => (
            <option key={a.id} value={a.name}>
              {a.name}
            </option>
          ))}
        </SelectField>
        <Field
          label="Repository"
          placeholder="https://git.example.com/team/app.git"
          autoComplete="off"
          spellCheck={false}
          value={draft.repository}
          onChange={(e) => set({ repository: e.target.value })}
        />
        <Field
          label="At most this many review apps"
          type="number"
          min={1}
          value={draft.maxApps}
          onChange={(e) => set({ maxApps: e.target.value })}
        />
        <SelectField
          label="When that many exist"
          value={draft.whenFull}
          onChange={(e) => set({ whenFull: e.target.value as ReviewSettings["whenFull"] })}
        >
          <option value="refuse_newest">Refuse the new one</option>
          <option value="destroy_oldest">Destroy the oldest</option>
        </SelectField>
        <Field
          label="Destroyed after (hours)"
          hint="Empty: kept until the branch's pull request closes or someone destroys it."
          type="number"
          min={1}
          step="any"
          value={draft.ttlHours}
          onChange={(e) => set({ ttlHours: e.target.value })}
        />
        <label className="flex items-center gap-2 self-center text-sm text-slate-800">
          <input type="checkbox" checked={draft.addons} onChange={(e) => set({ addons: e.target.checked })} />
          Give each review app its own add-ons
        </label>
        {update.isError && (
          <p role="alert" className="text-sm text-red-700 sm:col-span-2">
            {errorMessage(update.error)}
          </p>
        )}
        <div className="flex justify-end sm:col-span-2">
          <Button type="submit" variant="primary" disabled={update.isPending}>
            {update.isPending ? "Saving…" : "Save settings"}
          </Button>
        </div>
      </form>
      <WebhookSecret pipeline={pipeline.id} hasSecret={pipeline.review.webhook} />
    </section>
  );
}
