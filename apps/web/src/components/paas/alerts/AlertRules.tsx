import { type FormEvent, useState } from "react";
import {
  type AlertKind,
  type AlertKinds,
  type AlertRule,
  useAddAlertRule,
  useAlertChannels,
  useAlertKinds,
  useAlertRules,
  useRemoveAlertRule,
  useUpdateAlertRule,
} from "../../../hooks/useAlerts.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { Field, SelectField } from "../../ui/Field.tsx";
import { LoadingBlock } from "../../ui/Skeleton.tsx";
import { type AppDetail, can } from "../types.ts";

/** The app's rules, each with its state; members add, turn off and remove them. */
export function AlertRules({ app }: { app: AppDetail }) {
  const rules = useAlertRules(app.name);
  const kinds = useAlertKinds();
  const editable = can.edit(app.role);
  if (rules.isPending || kinds.isPending) return <LoadingBlock label="Loading the alert rules…" rows={1} />;
  if (rules.isError)
    return <ErrorNotice title="The alert rules could not be loaded." error={rules.error} onRetry={() => rules.refetch()} />;
  if (kinds.isError)
    return <ErrorNotice title="The kinds of alert could not be loaded." error={kinds.error} onRetry={() => kinds.refetch()} />;
  return (
    <div className="space-y-4">
      {rules.data.length === 0 ? (
        <p className="text-sm text-slate-600">No alert rules yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100" aria-label="Alert rules">
          {rules.data.map((r) => (
            <RuleRow key={r.id} app={app} rule={r} editable={editable} />
          ))}
        </ul>
      )}
      {editable ? (
        <AddRuleForm app={app} kinds={kinds.data} />
      ) : (
        <p className="text-sm text-slate-600">Your role ({app.role}) cannot change alert rules.</p>
      )}
    </div>
  );
}

function RuleRow({ app, rule, editable }: { app: AppDetail; rule: AlertRule; editable: boolean }) {
  const update = useUpdateAlertRule(app.name);
  const remove = useRemoveAlertRule(app.name);
  const channels = useAlertChannels(app.teamId);
  const names = rule.channelIds.map((id) => channels.data?.find((c) => c.id === id)?.name ?? "a channel");
  return (
    <li className="flex flex-wrap items-start justify-between gap-3 py-3" data-testid="alert-rule">
      <div className="min-w-0 space-y-1 text-sm">
        <p className="font-medium text-slate-900">
          {rule.description}
          <span
            className={
              rule.state === "firing"
                ? "ml-2 rounded bg-red-100 px-1.5 py-0.5 text-xs font-semibold text-red-800"
                : "ml-2 rounded bg-emerald-50 px-1.5 py-0.5 text-xs text-emerald-800"
            }
          >
            {rule.state === "firing" ? "Firing" : rule.enabled ? "OK" : "Off"}
          </span>
        </p>
        <p className="text-slate-600">{names.length ? `Notifies ${names.join(", ")}` : "Notifies no channel (history only)"}</p>
      </div>
      {editable && (
        <div className="flex gap-2">
          <Button
            variant="secondary"
            aria-label={`${rule.enabled ? "Turn off" : "Turn on"} ${rule.description}`}
            disabled={update.isPending}
            onClick={() => update.mutate({ app: app.name, id: rule.id, enabled: !rule.enabled })}
          >
            {rule.enabled ? "Turn off" : "Turn on"}
          </Button>
          <Button
            variant="dangerGhost"
            aria-label={`Remove ${rule.description}`}
            disabled={remove.isPending}
            onClick={() => remove.mutate({ app: app.name, id: rule.id })}
          >
            {remove.isPending ? "Removing…" : "Remove"}
          </Button>
        </div>
      )}
    </li>
  );
}

const UNIT_WORD = { ms: "ms", "%": "%", days: "days" } as const;

function AddRuleForm({ app, kinds }: { app: AppDetail; kinds: AlertKinds }) {
  const [kind, setKind] = useState<AlertKind>("latency_p95");
  const [threshold, setThreshold] = useState("");
  const [minutes, setMinutes] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const channels = useAlertChannels(app.teamId);
  const add = useAddAlertRule(app.name);
  const spec = kinds[kind];

  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate(
      {
        app: app.name,
        kind,
        ...(spec.unit && threshold.trim() ? { threshold: Number(threshold) } : {}),
        ...(spec.duration && minutes.trim() ? { durationSeconds: Math.round(Number(minutes) * 60) } : {}),
        channelIds: chosen,
      },
      {
        onSuccess: () => {
          setThreshold("");
          setMinutes("");
        },
      },
    );
  }

  return (
    <form onSubmit={submit} aria-label="Add an alert rule" className="space-y-3 rounded-md border border-slate-200 p-3">
      <div className="flex flex-wrap items-end gap-3">
        <SelectField label="Alert when" className="min-w-64" value={kind} onChange={(e) => setKind(e.target.value as AlertKind)}>
          {(Object.keys(kinds) as AlertKind[]).map((k) => (
            <option key={k} value={k}>
              {kinds[k].label}
            </option>
          ))}
        </SelectField>
        {spec.unit && (
          <Field
            label={`Threshold (${UNIT_WORD[spec.unit]})`}
            className="w-40"
            type="number"
            inputMode="decimal"
            step="any"
            min={spec.threshold?.min}
            max={spec.threshold?.max}
            placeholder={spec.threshold?.default === undefined ? "" : String(spec.threshold.default)}
            required={spec.threshold?.default === undefined}
            value={threshold}
            onChange={(e) => setThreshold(e.target.value)}
          />
        )}
        {spec.duration && (
          <Field
            label={spec.duration === "for" ? "For (minutes)" : "Over (minutes)"}
            className="w-40"
            type="number"
            inputMode="decimal"
            step="any"
            min={0}
            placeholder={String(spec.defaultDurationSeconds / 60)}
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
          />
        )}
      </div>
      <fieldset>
        <legend className="mb-1 text-sm font-medium text-slate-800">Notify</legend>
        {channels.data && channels.data.length > 0 ? (
          <div className="flex flex-wrap gap-3">
            {channels.data.map((c) => (
              <label key={c.id} className="flex items-center gap-1.5 text-sm text-slate-800">
                <input
                  type="checkbox"
                  checked={chosen.includes(c.id)}
                  onChange={(e) => setChosen((now) => (e.target.checked ? [...now, c.id] : now.filter((id) => id !== c.id)))}
                />
                {c.name} <span className="text-slate-500">({c.type})</span>
              </label>
            ))}
          </div>
        ) : (
          <p className="text-sm text-slate-600">The team has no channels yet: the rule will only be kept in the history.</p>
        )}
      </fieldset>
      {add.isError && (
        <p role="alert" className="text-sm text-red-700">
          {errorMessage(add.error)}
        </p>
      )}
      <Button type="submit" variant="primary" disabled={add.isPending}>
        {add.isPending ? "Adding…" : "Add alert"}
      </Button>
    </form>
  );
}
