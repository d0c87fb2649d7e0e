import { useId, useState } from "react";
import { Link } from "react-router";
import type { ImportView } from "../../hooks/useImports.ts";
import { Button, buttonClass } from "../ui/Button.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { ConfirmRollbackImport } from "./ConfirmRollbackImport.tsx";
import { DnsRecords } from "./DnsRecords.tsx";

/** How the import ended: the app and what to do next, why it failed, or that it was rolled back. */
export function ImportResult({ view }: { view: ImportView }) {
  const titleId = useId();
  const [confirming, setConfirming] = useState(false);
  const name = view.app.name;
  if (view.status === "running") return null;

  if (view.status === "failed")
    return (
      <section
        aria-labelledby={titleId}
        className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900"
        data-testid="import-failed"
      >
        <h2 id={titleId} className="text-lg font-semibold">
          <span aria-hidden="true">✕ </span>The import failed
        </h2>
        <p className="mt-1 break-words" data-testid="import-error">
          {view.error ?? "The engine gave no reason."}
        </p>
        <p className="mt-2">The steps marked “undone” above are what it had made and then removed. The Heroku app was not changed.</p>
        <Link to="/paas/import" className={buttonClass("secondary", "mt-3")}>
          Start another import
        </Link>
      </section>
    );

  if (view.status === "rolled_back")
    return (
      <section
        aria-labelledby={titleId}
        className="rounded-lg border border-slate-200 bg-white p-4 text-sm"
        data-testid="import-rolled-back"
      >
        <h2 id={titleId} className="text-lg font-semibold">
          <span aria-hidden="true">↺ </span>Rolled back
        </h2>
        <p className="mt-1 text-slate-700">The app {name} and everything this import made were removed. The Heroku app was not changed.</p>
        <Link to="/paas/import" className={buttonClass("secondary", "mt-3")}>
          Start another import
        </Link>
      </section>
    );

  return (
    <section aria-labelledby={titleId} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4" data-testid="import-succeeded">
      <div>
        <h2 id={titleId} className="text-lg font-semibold">
          <span aria-hidden="true" className="text-green-700">
            ✓{" "}
          </span>
          Imported
        </h2>
        <p className="mt-1 text-sm text-slate-700">
          {name} runs on SkyPanel
          {view.url ? (
            <>
              {" "}
              at{" "}
              <a href={view.url} className="break-all font-medium text-indigo-800 underline" data-testid="import-url">
                {view.url}
              </a>
            </>
          ) : null}
          .
        </p>
        <Link to={`/paas/apps/${encodeURIComponent(name)}`} className={buttonClass("secondary", "mt-3")}>
          Open {name}'s dashboard
        </Link>
      </div>
      <div>
        <h3 className="text-base font-semibold">DNS records to make</h3>
        {view.dns.length > 0 && (
          <p className="mb-2 mt-1 text-sm text-slate-700">Until these records point here, the domains keep reaching Heroku.</p>
        )}
        <DnsRecords dns={view.dns} />
      </div>
      <div>
        <h3 className="text-base font-semibold">Roll back</h3>
        <p className="mb-2 mt-1 text-sm text-slate-700">Not what you wanted? Rolling back deletes everything this import made here.</p>
        <Button variant="danger" onClick={() => setConfirming(true)}>
          Roll back…
        </Button>
      </div>
      {confirming && (
        <Dialog title={`Roll back the import of ${name}?`} onClose={() => setConfirming(false)} testId="rollback-import-dialog">
          <ConfirmRollbackImport view={view} onDone={() => setConfirming(false)} onCancel={() => setConfirming(false)} />
        </Dialog>
      )}
    </section>
  );
}
