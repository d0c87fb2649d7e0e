import { type FormEvent, useState } from "react";
import { type LogRetention, useLogRetention, useSaveLogRetention } from "../../../hooks/useLogRetention.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { Field } from "../../ui/Field.tsx";
import { type AppDetail, can } from "../types.ts";

const MIB = 1024 * 1024;
const mib = (bytes: number) => String(Math.round((bytes / MIB) * 100) / 100);

/** The two limits as the user typed them; the server checks them (no browser bounds) and says what is wrong. */
function Limits({ app, limits }: { app: AppDetail; limits: LogRetention }) {
  const [days, setDays] = useState(String(limits.days));
  const [size, setSize] = useState(mib(limits.maxBytes));
  const { set, reset } = useSaveLogRetention(app.id);
  const editable = can.edit(app.role);
  const changed = days !== String(limits.days) || size !== mib(limits.maxBytes);
  const failed = set.error ?? reset.error;

  function submit(event: FormEvent) {
    event.preventDefault();
    set.mutate({ app: app.id, days: Number(days), maxBytes: Math.round(Number(size) * MIB) });
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Log retention">
      <div className="flex flex-wrap gap-4">
        <Field
          label="Days kept"
          type="number"
          step="any"
          className="w-full sm:w-40"
          disabled={!editable}
          value={days}
          onChange={(e) => setDays(e.target.value)}
        />
        <Field
          label="Size kept (MiB)"
          type="number"
          step="any"
          className="w-full sm:w-40"
          disabled={!editable}
          value={size}
          onChange={(e) => setSize(e.target.value)}
        />
      </div>
      <p className="text-sm text-slate-600" data-testid="log-retention-summary">
        {limits.custom
          ? `The platform's defaults are ${limits.defaults.days} days and ${mib(limits.defaults.maxBytes)} MiB.`
          : "These are the platform's defaults."}{" "}
        Checked every hour: lines older than the days go, then the oldest lines beyond the size (the text of the lines).
      </p>
      {failed && (
        <p role="alert" className="text-sm text-red-700">
          {errorMessage(failed)}
        </p>
      )}
      {editable && (
        <div className="flex flex-wrap gap-2">
          <Button type="submit" variant="primary" disabled={!changed || set.isPending}>
            {set.isPending ? "Saving…" : "Save log retention"}
          </Button>
          {limits.custom && (
            <Button disabled={reset.isPending} onClick={() => reset.mutate({ app: app.id })}>
              Use the defaults
            </Button>
          )}
        </div>
      )}
    </form>
  );
}

/** How long and how much of its log the app keeps (Settings). */
export function LogRetentionForm({ app }: { app: AppDetail }) {
  const retention = useLogRetention(app.id);
  if (retention.isError)
    return <ErrorNotice title="Could not read the log retention." error={retention.error} onRetry={() => retention.refetch()} />;
  if (!retention.data) return <p className="text-sm text-slate-600">Loading…</p>;
  const { days, maxBytes, custom } = retention.data;
  // Saved or reset limits start the fields afresh from what the server kept.
  return <Limits key={`${days}:${maxBytes}:${custom}`} app={app} limits={retention.data} />;
}
