import { type FormEvent, useState } from "react";
import {
  type AutoscalePolicy,
  type AutoscaleSchedule,
  type AutoscaleSettings,
  useAutoscale,
  usePutAutoscale,
} from "../../../hooks/useAutoscale.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { Field, SelectField } from "../../ui/Field.tsx";
import { LoadingBlock } from "../../ui/Skeleton.tsx";
import { type AppDetail, can } from "../types.ts";
import { AutoscaleDecisions } from "./AutoscaleDecisions.tsx";
import { type ScheduleRow, ScheduleRows, scheduleRowsOf } from "./AutoscaleSchedules.tsx";

type Metric = AutoscalePolicy["metric"];
export const METRICS: { value: Metric; label: string; unit: string; webOnly?: boolean }[] = [
  { value: "cpu", label: "CPU", unit: "% of the CPU limit" },
  { value: "memory", label: "Memory", unit: "% of the memory limit" },
  { value: "rps", label: "Requests per second", unit: "requests/s per instance", webOnly: true },
  { value: "p95", label: "p95 response time", unit: "ms", webOnly: true },
  { value: "custom", label: "Custom (pushed through the API)", unit: "your unit, per instance" },
];

/** The autoscaler's policy per process type: it acts on it, and its recent decisions show below. */
export function AutoscaleForm({ app }: { app: AppDetail }) {
  const settings = useAutoscale(app.name);
  const [chosen, setChosen] = useState<string | null>(null);
  if (settings.isPending) return <LoadingBlock label="Loading the autoscale policy…" rows={1} />;
  if (settings.isError)
    return <ErrorNotice title="The autoscale policy could not be loaded." error={settings.error} onRetry={() => settings.refetch()} />;
  const { policies } = settings.data;
  if (policies.length === 0) {
    return <p className="text-sm text-slate-600">No process types yet: deploy a release to set an autoscale policy for them.</p>;
  }
  const policy = policies.find((p) => p.process === chosen) ?? (policies[0] as AutoscalePolicy);

  return (
    <div className="space-y-4" data-testid="autoscale">
      <p className="text-sm text-slate-600">
        When enabled, SkyPanel runs ceil(instances × metric ÷ target) instances, within the bounds: it scales up at once (at most double or
        +4 every 15 s) and down only after the stabilization window. Nothing changes within ±10 % of the target.
      </p>
      {policies.length > 1 && (
        <SelectField label="Process type" className="max-w-xs" value={policy.process} onChange={(e) => setChosen(e.target.value)}>
          {policies.map((p) => (
            <option key={p.process} value={p.process}>
              {p.process}
            </option>
          ))}
        </SelectField>
      )}
      <PolicyForm key={`${policy.process}:${policy.updatedAt?.getTime() ?? 0}`} app={app} policy={policy} settings={settings.data} />
      <AutoscaleDecisions app={app.name} />
    </div>
  );
}

const text = (n: number | null) => (n === null ? "" : String(n));

function PolicyForm({ app, policy, settings }: { app: AppDetail; policy: AutoscalePolicy; settings: AutoscaleSettings }) {
  const save = usePutAutoscale(app.name);
  const editable = can.edit(app.role);
  const disabled = !editable || save.isPending;
  const [enabled, setEnabled] = useState(policy.enabled);
  const [metric, setMetric] = useState<Metric>(policy.metric);
  const [form, setForm] = useState({
    min: String(policy.min),
    max: String(policy.max),
    target: text(policy.target),
    stabilizationSeconds: String(policy.stabilizationSeconds),
  });
  const [schedules, setSchedules] = useState<ScheduleRow[]>(scheduleRowsOf(settings.schedules.filter((s) => s.process === policy.process)));
  const [error, setError] = useState<string | null>(null);
  const { limits } = settings;
  const field = (key: keyof typeof form) => ({
    value: form[key],
    disabled,
    type: "number",
    inputMode: "decimal" as const,
    onChange: (e: { target: { value: string } }) => {
      setError(null);
      setForm((f) => ({ ...f, [key]: e.target.value }));
    },
  });
  const metrics = METRICS.filter((m) => !m.webOnly || policy.process === "web");
  const unit = METRICS.find((m) => m.value === metric)?.unit ?? "";
  const bounds = limits.targets[metric];

  function submit(event: FormEvent) {
    event.preventDefault();
    const number = (t: string) => (t.trim() === "" ? null : Number(t.trim()));
    const values = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, number(v)])) as Record<keyof typeof form, number | null>;
    if (Object.values(values).some((v) => v !== null && !Number.isFinite(v))) return setError("Enter numbers only.");
    if (values.min === null || values.max === null) return setError("Enter a minimum and a maximum.");
    const mine: AutoscaleSchedule[] = [];
    for (const [i, row] of schedules.entries()) {
      const nums = { durationMinutes: number(row.durationMinutes), min: number(row.min), max: number(row.max) };
      if (Object.values(nums).some((v) => v !== null && !Number.isFinite(v)) || nums.durationMinutes === null) {
        return setError(`Schedule ${i + 1}: enter the window in minutes, and numbers only.`);
      }
      mine.push({
        process: policy.process,
        cron: row.cron,
        timeZone: row.timeZone,
        durationSeconds: Math.round(nums.durationMinutes * 60),
        min: nums.min,
        max: nums.max,
      });
    }
    // The put replaces everything: the other process types' saved policies and schedules go along unchanged.
    const others = settings.policies.filter((p) => p.saved && p.process !== policy.process);
    save.mutate(
      {
        app: app.name,
        policies: [
          ...others.map(({ saved: _s, updatedAt: _u, ...p }) => p),
          {
            process: policy.process,
            enabled,
            min: values.min,
            max: values.max,
            metric,
            target: values.target,
            ...(values.stabilizationSeconds === null ? {} : { stabilizationSeconds: values.stabilizationSeconds }),
          },
        ],
        schedules: [
          ...settings.schedules.filter((s) => s.process !== policy.process && others.some((p) => p.process === s.process)),
          ...mine,
        ],
      },
      { onError: (e) => setError(errorMessage(e)) },
    );
  }

  return (
    <form aria-label={`Autoscale policy of ${policy.process}`} onSubmit={submit} noValidate className="space-y-4">
      <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
        <input type="checkbox" checked={enabled} disabled={disabled} onChange={(e) => setEnabled(e.target.checked)} />
        Policy enabled
      </label>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <SelectField label="Metric" value={metric} disabled={disabled} onChange={(e) => setMetric(e.target.value as Metric)}>
          {metrics.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </SelectField>
        <Field label="Target" hint={`${unit}${bounds ? `; ${bounds.min}–${bounds.max}` : ""}`} {...field("target")} />
        <Field
          label="Scale-down stabilization (seconds)"
          hint={`${limits.stabilizationSeconds.min}–${limits.stabilizationSeconds.max}`}
          {...field("stabilizationSeconds")}
        />
        <Field label="Minimum instances" hint="0 or more" {...field("min")} />
        <Field label="Maximum instances" hint={`At least the minimum, at most ${limits.maxInstances}`} {...field("max")} />
      </div>
      <ScheduleRows
        rows={schedules}
        disabled={disabled}
        onChange={(rows) => {
          setError(null);
          setSchedules(rows);
        }}
      />
      {!policy.saved && <p className="text-sm text-slate-600">Nothing saved for {policy.process} yet; these are the defaults.</p>}
      {error && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {error}
        </p>
      )}
      {editable ? (
        <Button type="submit" variant="primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save policy"}
        </Button>
      ) : (
        <p className="text-sm text-slate-600">Your role ({app.role}) cannot change the autoscale policy.</p>
      )}
    </form>
  );
}
