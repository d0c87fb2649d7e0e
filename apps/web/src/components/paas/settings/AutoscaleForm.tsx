import { type FormEvent, useState } from "react";
import { type AutoscalePolicy, useAutoscale, useSetAutoscale } from "../../../hooks/useAutoscale.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { Field, SelectField } from "../../ui/Field.tsx";
import { LoadingBlock } from "../../ui/Skeleton.tsx";
import { type AppDetail, can } from "../types.ts";

/** An autoscale policy per process type. Only stored: the form says so rather than suggest it acts. */
export function AutoscaleForm({ app }: { app: AppDetail }) {
  const settings = useAutoscale(app.name);
  const [chosen, setChosen] = useState<string | null>(null);
  if (settings.isPending) return <LoadingBlock label="Loading the autoscale policy…" rows={1} />;
  if (settings.isError)
    return <ErrorNotice title="The autoscale policy could not be loaded." error={settings.error} onRetry={() => settings.refetch()} />;
  const { policies, maxInstances, cooldownSeconds } = settings.data;
  if (policies.length === 0) {
    return <p className="text-sm text-slate-600">No process types yet: deploy a release to set an autoscale policy for them.</p>;
  }
  const policy = policies.find((p) => p.processType === chosen) ?? (policies[0] as AutoscalePolicy);

  return (
    <div className="space-y-4" data-testid="autoscale">
      <p role="note" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
        Saved as a policy; SkyPanel does not scale on it automatically yet. The number of instances stays as you set it on the Overview.
      </p>
      {policies.length > 1 && (
        <SelectField label="Process type" className="max-w-xs" value={policy.processType} onChange={(e) => setChosen(e.target.value)}>
          {policies.map((p) => (
            <option key={p.processType} value={p.processType}>
              {p.processType}
            </option>
          ))}
        </SelectField>
      )}
      <PolicyForm
        key={`${policy.processType}:${policy.updatedAt?.getTime() ?? 0}`}
        app={app}
        policy={policy}
        maxInstances={maxInstances}
        cooldown={cooldownSeconds}
      />
    </div>
  );
}

const optional = (n: number | null) => (n === null ? "" : String(n));

function PolicyForm({
  app,
  policy,
  maxInstances,
  cooldown,
}: {
  app: AppDetail;
  policy: AutoscalePolicy;
  maxInstances: number;
  cooldown: { min: number; max: number };
}) {
  const save = useSetAutoscale(app.name);
  const editable = can.edit(app.role);
  const [enabled, setEnabled] = useState(policy.enabled);
  const [form, setForm] = useState({
    minInstances: String(policy.minInstances),
    maxInstances: String(policy.maxInstances),
    targetCpuPercent: optional(policy.targetCpuPercent),
    targetMemoryPercent: optional(policy.targetMemoryPercent),
    targetRequestsPerSecond: optional(policy.targetRequestsPerSecond),
    cooldownSeconds: String(policy.cooldownSeconds),
  });
  const [error, setError] = useState<string | null>(null);
  const field = (key: keyof typeof form) => ({
    value: form[key],
    disabled: !editable || save.isPending,
    type: "number",
    inputMode: "decimal" as const,
    onChange: (e: { target: { value: string } }) => {
      setError(null);
      setForm((f) => ({ ...f, [key]: e.target.value }));
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    // An empty target means none; anything else must read as a number, and the engine checks its bounds.
    const number = (text: string) => (text.trim() === "" ? null : Number(text.trim()));
    const values = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, number(v)])) as Record<keyof typeof form, number | null>;
    if (Object.values(values).some((v) => v !== null && !Number.isFinite(v))) return setError("Enter numbers only.");
    if (values.minInstances === null || values.maxInstances === null) return setError("Enter a minimum and a maximum.");
    save.mutate(
      {
        app: app.name,
        processType: policy.processType,
        policy: {
          enabled,
          minInstances: values.minInstances,
          maxInstances: values.maxInstances,
          targetCpuPercent: values.targetCpuPercent,
          targetMemoryPercent: values.targetMemoryPercent,
          targetRequestsPerSecond: values.targetRequestsPerSecond,
          ...(values.cooldownSeconds === null ? {} : { cooldownSeconds: values.cooldownSeconds }),
        },
      },
      { onError: (e) => setError(errorMessage(e)) },
    );
  }

  return (
    <form aria-label={`Autoscale policy of ${policy.processType}`} onSubmit={submit} noValidate className="space-y-4">
      <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
        <input type="checkbox" checked={enabled} disabled={!editable || save.isPending} onChange={(e) => setEnabled(e.target.checked)} />
        Policy enabled
      </label>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <Field label="Minimum instances" hint="0 or more" {...field("minInstances")} />
        <Field label="Maximum instances" hint={`At least the minimum, at most ${maxInstances}`} {...field("maxInstances")} />
        <Field label="Cooldown (seconds)" hint={`${cooldown.min}–${cooldown.max}`} {...field("cooldownSeconds")} />
        <Field label="Target CPU %" hint="1–100; empty: none" {...field("targetCpuPercent")} />
        <Field label="Target memory %" hint="1–100; empty: none" {...field("targetMemoryPercent")} />
        <Field label="Target requests/s" hint="Above 0; empty: none" {...field("targetRequestsPerSecond")} />
      </div>
      {!policy.saved && <p className="text-sm text-slate-600">Nothing saved for {policy.processType} yet; these are the defaults.</p>}
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
