import { type FormEvent, useId, useState } from "react";
import { type EgressPolicy, type EgressRule, useEgress, useSaveEgress } from "../../../hooks/useEgress.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { inputClass } from "../../ui/Field.tsx";
import { type AppDetail, can } from "../types.ts";

type Mode = EgressPolicy["mode"];

const MODES: { mode: Mode; label: string; hint: string }[] = [
  { mode: "deny", label: "Deny all", hint: "Nothing outside the platform. Add-ons stay reachable." },
  { mode: "allow", label: "Allow all", hint: "Anything outside, except the platform's host and other apps' instances." },
  { mode: "allowlist", label: "Allow-list", hint: "Only the networks and ports listed below." },
];

/** The CLI's text form, one rule a line: "203.0.113.0/24:443". */
function ruleText(rule: EgressRule) {
  if (!rule.ports) return rule.cidr;
  return rule.ports.from === rule.ports.to ? `${rule.cidr}:${rule.ports.from}` : `${rule.cidr}:${rule.ports.from}-${rule.ports.to}`;
}

/** The policy as the user set it; the server checks each rule (no browser parsing) and says what is wrong. */
function Policy({ app, policy }: { app: AppDetail; policy: EgressPolicy }) {
  const [mode, setMode] = useState<Mode>(policy.mode);
  const saved = policy.rules.map(ruleText).join("\n");
  const [rules, setRules] = useState(saved);
  const save = useSaveEgress(app.id);
  const editable = can.edit(app.role);
  const rulesId = useId();
  const changed = mode !== policy.mode || rules !== saved;

  function submit(event: FormEvent) {
    event.preventDefault();
    const lines = rules
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    save.mutate({ app: app.id, mode, rules: lines });
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Outbound network access">
      <fieldset className="space-y-2">
        <legend className="mb-1 text-sm font-medium text-slate-800">Outbound connections</legend>
        {MODES.map((m) => (
          <label key={m.mode} className="flex items-start gap-2 text-sm">
            <input
              type="radio"
              name={`egress-${app.id}`}
              className="mt-1"
              disabled={!editable}
              checked={mode === m.mode}
              onChange={() => setMode(m.mode)}
            />
            <span>
              <span className="font-medium text-slate-900">{m.label}</span>
              <span className="block text-slate-600">{m.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {mode === "allowlist" && (
        <div>
          <label htmlFor={rulesId} className="mb-1 block text-sm font-medium text-slate-800">
            Allowed networks
          </label>
          <textarea
            id={rulesId}
            rows={4}
            className={`${inputClass} font-mono`}
            disabled={!editable}
            placeholder={"203.0.113.0/24:443\n198.51.100.7"}
            value={rules}
            onChange={(e) => setRules(e.target.value)}
          />
          <p className="mt-1 text-xs text-slate-600">One a line: an IPv4 address or network, optionally :port or :from-to (TCP and UDP).</p>
        </div>
      )}
      {save.error && (
        <p role="alert" className="text-sm text-red-700">
          {errorMessage(save.error)}
        </p>
      )}
      {editable && (
        <Button type="submit" variant="primary" disabled={!changed || save.isPending}>
          {save.isPending ? "Saving…" : "Save egress policy"}
        </Button>
      )}
    </form>
  );
}

/** What the app's instances may reach outside the platform (Settings). Running instances follow a change at once. */
export function EgressForm({ app }: { app: AppDetail }) {
  const egress = useEgress(app.id);
  if (egress.isError)
    return <ErrorNotice title="Could not read the egress policy." error={egress.error} onRetry={() => egress.refetch()} />;
  if (!egress.data) return <p className="text-sm text-slate-600">Loading…</p>;
  const { mode, rules } = egress.data;
  // A saved policy starts the form afresh from what the server kept.
  return <Policy key={`${mode}:${rules.map(ruleText).join(",")}`} app={app} policy={egress.data} />;
}
