import { type FormEvent, useState } from "react";
import { type TrafficPolicy, useSaveTrafficPolicy, useTrafficPolicy } from "../../../hooks/useTrafficPolicy.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { Field, SelectField } from "../../ui/Field.tsx";
import { type AppDetail, can } from "../types.ts";

type Limit = "requestsPerMinute" | "burst" | "maxConcurrentRequests" | "maxBodyBytes";
type WafMode = TrafficPolicy["wafMode"];

const KIB = 1024;
const NEEDS_CUSTOM = "needs the custom router build";

const LIMITS: { key: Limit; label: string; hint: string }[] = [
  { key: "requestsPerMinute", label: "Requests per minute", hint: "Per client address; more get 429 with Retry-After." },
  { key: "burst", label: "Burst", hint: "Requests an address may send at once (default: the per-minute number)." },
  { key: "maxConcurrentRequests", label: "Concurrent requests", hint: "In flight at once per client address; more get 429." },
  { key: "maxBodyBytes", label: "Maximum body (KiB)", hint: "Larger request bodies get 413." },
];

const WAF_LABEL = "Web application firewall (OWASP Core Rule Set)";
const LABELS: Record<TrafficPolicy["needsCustomRouter"][number], string> = {
  ...(Object.fromEntries(LIMITS.map(({ key, label }) => [key, label])) as Record<Limit, string>),
  wafMode: "Web application firewall",
};

const WAF_MODES: { mode: WafMode; label: string }[] = [
  { mode: "off", label: "Off" },
  { mode: "detect", label: "Detect: log matches, let requests through" },
  { mode: "block", label: "Block: refuse matches with 403" },
];

/** A limit as typed: empty means none; maxBodyBytes is shown in KiB. */
const shown = (policy: TrafficPolicy, key: Limit) => {
  const value = policy[key];
  if (value === null) return "";
  return key === "maxBodyBytes" ? String(Math.round((value / KIB) * 100) / 100) : String(value);
};
const parsed = (key: Limit, text: string) => {
  if (text.trim() === "") return null;
  return key === "maxBodyBytes" ? Math.round(Number(text) * KIB) : Number(text);
};

/** The fields as the user typed them; the server checks them and says what is wrong. */
function Policy({ app, policy }: { app: AppDetail; policy: TrafficPolicy }) {
  const [limits, setLimits] = useState(
    () => Object.fromEntries(LIMITS.map(({ key }) => [key, shown(policy, key)])) as Record<Limit, string>,
  );
  const [wafMode, setWafMode] = useState<WafMode>(policy.wafMode);
  const save = useSaveTrafficPolicy(app.id);
  const editable = can.edit(app.role);
  const changed = wafMode !== policy.wafMode || LIMITS.some(({ key }) => limits[key] !== shown(policy, key));
  const inactive = new Set<string>(policy.needsCustomRouter);

  function submit(event: FormEvent) {
    event.preventDefault();
    const values = Object.fromEntries(LIMITS.map(({ key }) => [key, parsed(key, limits[key])])) as Record<Limit, number | null>;
    save.mutate({ app: app.id, ...values, wafMode });
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Traffic protection">
      <div className="flex flex-wrap gap-4">
        {LIMITS.map(({ key, label, hint }) => (
          <Field
            key={key}
            label={label}
            hint={inactive.has(key) ? `${hint} Saved, but ${NEEDS_CUSTOM}.` : hint}
            type="number"
            step="any"
            placeholder="No limit"
            className="w-full sm:w-56"
            disabled={!editable}
            value={limits[key]}
            onChange={(e) => setLimits({ ...limits, [key]: e.target.value })}
          />
        ))}
      </div>
      <SelectField
        label={WAF_LABEL}
        className="w-full sm:w-96"
        disabled={!editable}
        value={wafMode}
        onChange={(e) => setWafMode(e.target.value as WafMode)}
      >
        {WAF_MODES.map((m) => (
          <option key={m.mode} value={m.mode}>
            {m.label}
          </option>
        ))}
      </SelectField>
      <p className="text-sm text-slate-600" data-testid="traffic-router">
        {policy.router === "custom" && "The router is SkyPanel's Caddy build: every setting here is in force."}
        {policy.router === "debian" &&
          `The router is Debian's Caddy: only the maximum body size is in force; rate and concurrency limits and the firewall need the custom router build (SKYPANEL_CADDY=custom).`}
        {policy.router === null && "This platform runs no router: the settings are saved for when it does."}
      </p>
      {inactive.size > 0 && (
        <p role="status" className="text-sm text-amber-800" data-testid="traffic-needs-custom">
          Not in force: {policy.needsCustomRouter.map((key) => LABELS[key]).join(", ")} ({NEEDS_CUSTOM}).
        </p>
      )}
      {save.error && (
        <p role="alert" className="text-sm text-red-700">
          {errorMessage(save.error)}
        </p>
      )}
      {editable && (
        <Button type="submit" variant="primary" disabled={!changed || save.isPending}>
          {save.isPending ? "Saving…" : "Save traffic protection"}
        </Button>
      )}
    </form>
  );
}

/** Limits per client address, the request body cap and the WAF, applied by the router (Settings). */
export function TrafficForm({ app }: { app: AppDetail }) {
  const policy = useTrafficPolicy(app.id);
  if (policy.isError)
    return <ErrorNotice title="Could not read the traffic protection." error={policy.error} onRetry={() => policy.refetch()} />;
  if (!policy.data) return <p className="text-sm text-slate-600">Loading…</p>;
  // A saved policy starts the fields afresh from what the server kept.
  return <Policy key={JSON.stringify(policy.data)} app={app} policy={policy.data} />;
}
