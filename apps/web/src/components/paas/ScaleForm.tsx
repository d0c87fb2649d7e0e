import { type FormEvent, useState } from "react";
import { type ProcessFormation, useFormation, useScale } from "../../hooks/useFormation.ts";
import { errorMessage } from "../../lib/trpc.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { inputClass } from "../ui/Field.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";
import { type AppDetail, can } from "./types.ts";

// The engine's limit (MAX_QUANTITY); the server checks it, the input only suggests it.
const MAX_INSTANCES = 100;

/** The formation, one row per process type: how many instances each runs, changed and saved together. */
export function ScaleForm({ app }: { app: AppDetail }) {
  const formation = useFormation(app.name);
  const scale = useScale(app.name);
  // What the user typed, by process type; a type not in here shows the saved quantity.
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const editable = can.edit(app.role);

  if (formation.isPending) return <LoadingBlock label="Loading the formation…" rows={1} />;
  if (formation.isError)
    return <ErrorNotice title="The formation could not be loaded." error={formation.error} onRetry={() => formation.refetch()} />;
  if (formation.data.length === 0) {
    return (
      <p className="text-slate-600" data-testid="formation-empty">
        No process types yet: deploy a release, and the process types of its Procfile show here to scale.
      </p>
    );
  }

  const value = (f: ProcessFormation) => draft[f.processType] ?? String(f.quantity);
  const changed = formation.data.filter((f) => value(f) !== String(f.quantity));
  const set = (type: string, text: string) => {
    setError(null);
    setDraft((d) => ({ ...d, [type]: text }));
  };
  const step = (f: ProcessFormation, by: number) => {
    const n = Number.parseInt(value(f), 10);
    set(f.processType, String(Math.min(MAX_INSTANCES, Math.max(0, (Number.isNaN(n) ? f.quantity : n) + by))));
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    const notNumber = changed.find((f) => !/^\d+$/.test(value(f).trim()));
    if (notNumber) return setError(`${notNumber.processType}: enter a whole number of instances, from 0 to ${MAX_INSTANCES}.`);
    const changes = Object.fromEntries(changed.map((f) => [f.processType, Number(value(f).trim())]));
    scale.mutate({ app: app.name, changes }, { onSuccess: () => setDraft({}), onError: (e) => setError(errorMessage(e)) });
  }

  return (
    <form aria-label="Scale" onSubmit={submit} noValidate data-testid="scale-form">
      {!editable && (
        <p className="mb-3 text-slate-700">
          Your role in this team is {app.role}: you can see the formation; members, admins and owners scale it.
        </p>
      )}
      <ul className="divide-y divide-slate-100">
        {formation.data.map((f) => (
          <li key={f.processType} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 py-2" data-testid="formation-row">
            <div className="min-w-0">
              <label htmlFor={`scale-${f.processType}`} className="font-medium text-slate-900">
                {f.processType}
                <span className="sr-only"> instances</span>
              </label>
              <p className="break-all text-xs text-slate-600">
                {f.command ?? "not in the current release"} · {f.memoryMb} MB · {f.cpuQuota} CPU
              </p>
            </div>
            <div className="flex items-center gap-1">
              <Button
                variant="secondary"
                className="w-9 px-0"
                aria-label={`One fewer ${f.processType} instance`}
                disabled={!editable || scale.isPending}
                onClick={() => step(f, -1)}
              >
                −
              </Button>
              <input
                id={`scale-${f.processType}`}
                type="number"
                inputMode="numeric"
                min={0}
                max={MAX_INSTANCES}
                step={1}
                value={value(f)}
                onChange={(e) => set(f.processType, e.target.value)}
                disabled={!editable || scale.isPending}
                className={`${inputClass} w-20 text-center tabular-nums`}
              />
              <Button
                variant="secondary"
                className="w-9 px-0"
                aria-label={`One more ${f.processType} instance`}
                disabled={!editable || scale.isPending}
                onClick={() => step(f, 1)}
              >
                +
              </Button>
            </div>
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" data-testid="scale-error" className="mt-3 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {error}
        </p>
      )}
      {editable && (
        <div className="mt-3 flex flex-wrap gap-2">
          <Button type="submit" variant="primary" disabled={changed.length === 0 || scale.isPending}>
            {scale.isPending ? "Saving…" : "Save scale"}
          </Button>
          {changed.length > 0 && (
            <Button
              variant="ghost"
              onClick={() => {
                setDraft({});
                setError(null);
              }}
              disabled={scale.isPending}
            >
              Undo changes
            </Button>
          )}
        </div>
      )}
    </form>
  );
}
