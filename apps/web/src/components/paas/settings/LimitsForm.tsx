import { type FormEvent, useId, useState } from "react";
import { useRuntimeOverview } from "../../../hooks/useDeployments.ts";
import { type ProcessFormation, useFormation, useSetLimits } from "../../../hooks/useFormation.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { inputClass } from "../../ui/Field.tsx";
import { LoadingBlock } from "../../ui/Skeleton.tsx";
import { type AppDetail, can } from "../types.ts";

// The engine's bounds (formation.scale), shown as hints; the engine checks them and its message is shown.
const FIELDS = [
  { key: "memoryMb", label: "Memory (MB)", min: 16, max: 65536, step: 1, hint: "16–65536" },
  { key: "cpuQuota", label: "CPU (cores)", min: 0.01, max: 64, step: 0.01, hint: "above 0, up to 64" },
  { key: "maxProcs", label: "Max processes", min: 8, max: 65536, step: 1, hint: "8–65536" },
] as const;
type LimitKey = (typeof FIELDS)[number]["key"];

/** Memory, CPU and process limits per process type, each row saved on its own. */
export function LimitsForm({ app }: { app: AppDetail }) {
  const formation = useFormation(app.name);
  const overview = useRuntimeOverview(app.name);
  if (formation.isPending) return <LoadingBlock label="Loading the limits…" rows={1} />;
  if (formation.isError)
    return <ErrorNotice title="The limits could not be loaded." error={formation.error} onRetry={() => formation.refetch()} />;
  if (formation.data.length === 0) {
    return <p className="text-sm text-slate-600">No process types yet: deploy a release, and each process type's limits show here.</p>;
  }
  return (
    <div data-testid="limits-form">
      <p className="mb-3 text-sm text-slate-700" data-testid="limits-note">
        Running instances keep the limits they started with. New limits apply to instances started after you save: every instance at the
        next deploy or restart, and new instances when you scale up. An instance restarted after a crash keeps its old limits.
      </p>
      {overview.data?.runtimeMode === "process" && (
        <p className="mb-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          This platform runs apps in process mode, which enforces no limits: they are saved and apply once apps run in containers.
        </p>
      )}
      {!can.edit(app.role) && (
        <p className="mb-3 text-sm text-slate-700">
          Your role in this team is {app.role}: you can see the limits; members and above change them.
        </p>
      )}
      <div className="divide-y divide-slate-100">
        {formation.data.map((f) => (
          <LimitsRow key={f.processType} app={app} formation={f} />
        ))}
      </div>
    </div>
  );
}

function LimitsRow({ app, formation: f }: { app: AppDetail; formation: ProcessFormation }) {
  const setLimits = useSetLimits(app.name);
  const saved: Record<LimitKey, string> = { memoryMb: String(f.memoryMb), cpuQuota: String(f.cpuQuota), maxProcs: String(f.maxProcs) };
  const [draft, setDraft] = useState<Partial<Record<LimitKey, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const editable = can.edit(app.role);
  const id = useId();
  const value = (key: LimitKey) => draft[key] ?? saved[key];
  const changed = FIELDS.filter(({ key }) => value(key).trim() !== saved[key]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const notNumber = changed.find(({ key }) => !Number.isFinite(Number(value(key).trim())) || value(key).trim() === "");
    if (notNumber) return setError(`${f.processType}: ${notNumber.label} must be a number.`);
    const change = Object.fromEntries(changed.map(({ key }) => [key, Number(value(key).trim())]));
    setLimits.mutate(
      { app: app.name, changes: { [f.processType]: change } },
      { onSuccess: () => setDraft({}), onError: (e) => setError(errorMessage(e)) },
    );
  }

  return (
    <form aria-label={`Limits of ${f.processType}`} onSubmit={submit} noValidate className="py-3" data-testid="limits-row">
      <div className="flex flex-wrap items-end gap-3">
        <p className="w-full font-medium text-slate-900 sm:w-28">{f.processType}</p>
        {FIELDS.map((field) => (
          <div key={field.key} className="w-36 text-sm text-slate-800">
            <label htmlFor={`${id}-${field.key}`} className="mb-1 block font-medium">
              <span className="sr-only">{f.processType} </span>
              {field.label}
            </label>
            <input
              id={`${id}-${field.key}`}
              aria-describedby={`${id}-${field.key}-hint`}
              type="number"
              inputMode="decimal"
              min={field.min}
              max={field.max}
              step={field.step}
              value={value(field.key)}
              disabled={!editable || setLimits.isPending}
              onChange={(e) => {
                setError(null);
                setDraft((d) => ({ ...d, [field.key]: e.target.value }));
              }}
              className={`${inputClass} tabular-nums`}
            />
            <p id={`${id}-${field.key}-hint`} className="mt-1 text-xs text-slate-600">
              {field.hint}
            </p>
          </div>
        ))}
        {editable && (
          <Button type="submit" variant="primary" className="mb-5" disabled={changed.length === 0 || setLimits.isPending}>
            {setLimits.isPending ? "Saving…" : `Save ${f.processType}`}
          </Button>
        )}
      </div>
      {error && (
        <p role="alert" className="mt-2 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {error}
        </p>
      )}
    </form>
  );
}
