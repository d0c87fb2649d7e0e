import { type FormEvent, useState } from "react";
import { type LogDrain, useAddDrain, useDrains, useRemoveDrain } from "../../../hooks/useDrains.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { Dialog } from "../../ui/Dialog.tsx";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { Field } from "../../ui/Field.tsx";
import { LoadingBlock } from "../../ui/Skeleton.tsx";
import { type AppDetail, can } from "../types.ts";

const KIND: Record<LogDrain["kind"], string> = { "syslog-tls": "syslog over TLS", https: "HTTPS (NDJSON)" };

/** Where the app's log lines are also sent: each drain with what it took, gave up on and dropped. */
export function LogDrains({ app }: { app: AppDetail }) {
  const drains = useDrains(app.name);
  const editable = can.edit(app.role);
  return (
    <div className="space-y-4" data-testid="log-drains">
      {drains.isPending ? (
        <LoadingBlock label="Loading the log drains…" rows={1} />
      ) : drains.isError ? (
        <ErrorNotice title="The log drains could not be loaded." error={drains.error} onRetry={() => drains.refetch()} />
      ) : drains.data.length === 0 ? (
        <p className="text-sm text-slate-600">No log drains yet: the app's logs stay on the platform only.</p>
      ) : (
        <ul className="divide-y divide-slate-100" aria-label="Log drains">
          {drains.data.map((d) => (
            <DrainRow key={d.id} app={app} drain={d} editable={editable} />
          ))}
        </ul>
      )}
      {editable ? (
        <AddDrainForm app={app} />
      ) : (
        <p className="text-sm text-slate-600">Your role ({app.role}) cannot add or remove log drains.</p>
      )}
    </div>
  );
}

const when = (d: Date | string | null) => (d ? new Date(d).toISOString().replace("T", " ").slice(0, 19) : null);

function DrainRow({ app, drain: d, editable }: { app: AppDetail; drain: LogDrain; editable: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useRemoveDrain(app.name);
  return (
    <li className="flex flex-wrap items-start justify-between gap-3 py-3" data-testid="drain-row">
      <div className="min-w-0 space-y-1 text-sm">
        <p className="break-all font-mono font-medium text-slate-900">{d.url}</p>
        <p className="text-slate-600">{KIND[d.kind]}</p>
        <p className="text-slate-700">
          <span>Delivered: {d.deliveredCount}</span>
          {" · "}
          <span className={d.deadLetterCount > 0 ? "text-red-700" : undefined}>Dead-lettered: {d.deadLetterCount}</span>
          {" · "}
          <span className={d.droppedCount > 0 ? "text-amber-700" : undefined}>Dropped: {d.droppedCount}</span>
          {d.lastDeliveredAt && <span className="text-slate-500"> · last delivered {when(d.lastDeliveredAt)} UTC</span>}
        </p>
        {d.lastError && (
          <p className="break-words text-slate-600">
            Last error{d.lastErrorAt ? ` (${when(d.lastErrorAt)} UTC)` : ""}: {d.lastError}
          </p>
        )}
      </div>
      {editable && (
        <Button variant="dangerGhost" aria-label={`Remove the drain ${d.url}`} onClick={() => setConfirming(true)}>
          Remove
        </Button>
      )}
      {confirming && (
        <Dialog title="Remove this log drain?" onClose={() => setConfirming(false)} testId="remove-drain-dialog">
          <p className="text-sm text-slate-700">
            The app's log lines stop going to <span className="break-all font-mono">{d.url}</span>. Lines already sent stay there.
          </p>
          <div className="mt-4 flex justify-end gap-2">
            <Button onClick={() => setConfirming(false)}>Cancel</Button>
            <Button
              variant="danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate({ app: app.name, id: d.id }, { onSuccess: () => setConfirming(false) })}
            >
              {remove.isPending ? "Removing…" : "Remove drain"}
            </Button>
          </div>
        </Dialog>
      )}
    </li>
  );
}

function AddDrainForm({ app }: { app: AppDetail }) {
  const [url, setUrl] = useState("");
  const add = useAddDrain(app.name);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (url.trim()) add.mutate({ app: app.name, url: url.trim() }, { onSuccess: () => setUrl("") });
  }

  return (
    <form onSubmit={submit} aria-label="Add a log drain" className="flex flex-wrap items-start gap-2">
      <Field
        label="Drain URL"
        className="min-w-64 flex-1"
        placeholder="syslog+tls://logs.example.com:6514 or https://logs.example.com/ingest"
        autoComplete="off"
        spellCheck={false}
        value={url}
        onChange={(e) => {
          add.reset();
          setUrl(e.target.value);
        }}
        error={add.isError ? errorMessage(add.error) : undefined}
      />
      <Button type="submit" variant="primary" className="mt-6" disabled={!url.trim() || add.isPending}>
        {add.isPending ? "Adding…" : "Add drain"}
      </Button>
    </form>
  );
}
