import { useId, useState } from "react";
import { type Maintenance, useMaintenance, useSaveMaintenance } from "../../../hooks/useMaintenance.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { Dialog } from "../../ui/Dialog.tsx";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { Field, inputClass } from "../../ui/Field.tsx";
import { type AppDetail, can } from "../types.ts";

/** The page and Retry-After as typed; an empty page means the platform's default page. */
function Editor({ app, state }: { app: AppDetail; state: Maintenance }) {
  const [page, setPage] = useState(state.page ?? "");
  const [retryAfter, setRetryAfter] = useState(String(state.retryAfterSeconds));
  const [confirming, setConfirming] = useState(false);
  const [previewing, setPreviewing] = useState(false);
  const save = useSaveMaintenance(app.id);
  const editable = can.edit(app.role);
  const pageId = useId();
  const edits = { page: page.trim() === "" ? null : page, retryAfterSeconds: Number(retryAfter) };
  const changed = page !== (state.page ?? "") || retryAfter !== String(state.retryAfterSeconds);

  return (
    <div className="space-y-4" data-testid="maintenance">
      <p className="text-sm" aria-live="polite">
        {state.enabled ? (
          <span className="rounded bg-amber-100 px-2 py-0.5 font-medium text-amber-900">
            In maintenance: visitors get this page with 503
          </span>
        ) : (
          <span className="text-slate-700">Not in maintenance: the app's instances answer visitors.</span>
        )}
      </p>
      {!state.routed && <p className="text-sm text-slate-600">This platform runs no router: the setting is kept, but nothing serves it.</p>}
      <div>
        <label htmlFor={pageId} className="mb-1 block text-sm font-medium text-slate-800">
          Maintenance page (HTML)
        </label>
        <textarea
          id={pageId}
          rows={6}
          className={`${inputClass} font-mono`}
          disabled={!editable}
          placeholder="Empty: the platform's page naming the app"
          value={page}
          onChange={(e) => setPage(e.target.value)}
        />
        <p className="mt-1 text-xs text-slate-600">Served as-is, at most 64 KiB. Link to images and styles rather than inlining them.</p>
      </div>
      <Field
        label="Retry-After (seconds)"
        hint="Tells browsers and crawlers when to come back (1 to 86400)."
        inputMode="numeric"
        disabled={!editable}
        value={retryAfter}
        onChange={(e) => setRetryAfter(e.target.value)}
      />
      <div>
        <Button aria-expanded={previewing} onClick={() => setPreviewing((v) => !v)}>
          {previewing ? "Hide preview" : "Preview the page"}
        </Button>
        {/* Sandboxed: the owner's HTML runs no script and reaches nothing of the dashboard. Shown on
            demand: a sandboxed frame on every Settings visit costs a document, and accessibility
            checkers that script every frame wait on it in vain. */}
        {previewing && (
          <iframe
            title="Maintenance page preview"
            sandbox=""
            srcDoc={edits.page ?? state.servedPage}
            className="mt-2 h-48 w-full rounded-md border border-slate-200 bg-white"
          />
        )}
      </div>
      {save.error && (
        <p role="alert" className="text-sm text-red-700">
          {errorMessage(save.error)}
        </p>
      )}
      {editable && (
        <div className="flex flex-wrap gap-2">
          {state.enabled ? (
            <Button variant="primary" disabled={save.isPending} onClick={() => save.mutate({ app: app.id, enabled: false })}>
              Turn maintenance off
            </Button>
          ) : (
            <Button variant="danger" disabled={save.isPending} onClick={() => setConfirming(true)}>
              Turn maintenance on…
            </Button>
          )}
          <Button disabled={!changed || save.isPending} onClick={() => save.mutate({ app: app.id, ...edits })}>
            Save page
          </Button>
        </div>
      )}
      {confirming && (
        <Dialog title={`Put ${app.name} in maintenance?`} onClose={() => setConfirming(false)} testId="maintenance-dialog">
          <p className="text-sm text-slate-700">
            Every visitor to {app.name}'s hostnames gets the maintenance page with 503 until you turn it off. Its instances keep running,
            and one-off processes and scheduled jobs still run; nothing is deployed.
          </p>
          <div className="mt-4 flex justify-end gap-2">
            <Button onClick={() => setConfirming(false)}>Keep serving</Button>
            <Button
              variant="danger"
              onClick={() => {
                save.mutate({ app: app.id, enabled: true, ...edits });
                setConfirming(false);
              }}
            >
              Turn maintenance on
            </Button>
          </div>
        </Dialog>
      )}
    </div>
  );
}

/** The app's maintenance mode (Settings): on, the router answers its hostnames with the page and 503. */
export function MaintenanceForm({ app }: { app: AppDetail }) {
  const maintenance = useMaintenance(app.id);
  if (maintenance.isError)
    return <ErrorNotice title="Could not read maintenance mode." error={maintenance.error} onRetry={() => maintenance.refetch()} />;
  if (!maintenance.data) return <p className="text-sm text-slate-600">Loading…</p>;
  const { page, retryAfterSeconds } = maintenance.data;
  // A saved page starts the editor afresh from what the server kept.
  return <Editor key={`${page ?? ""}:${retryAfterSeconds}`} app={app} state={maintenance.data} />;
}
