import { type FormEvent, useState } from "react";
import { type ImportView, useRollbackImport } from "../../hooks/useImports.ts";
import { errorMessage } from "../../lib/trpc.ts";
import { Button } from "../ui/Button.tsx";
import { TypeToConfirm } from "../ui/TypeToConfirm.tsx";

/** Rolling back deletes the imported app, so the user types its name before the button wakes up. */
export function ConfirmRollbackImport({ view, onDone, onCancel }: { view: ImportView; onDone: () => void; onCancel: () => void }) {
  const [typed, setTyped] = useState("");
  const rollback = useRollbackImport();
  const name = view.app.name;
  const matches = typed === name;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (matches) rollback.mutate({ id: view.id, confirm: typed }, { onSuccess: onDone });
  }

  return (
    <form onSubmit={submit} className="space-y-3" data-testid="confirm-rollback-import">
      <p className="text-sm text-slate-700">
        This deletes <strong>{name}</strong> with everything the import made: its add-ons and their data, config vars, domains and builds.
        It cannot be undone. The Heroku app is not touched.
      </p>
      <TypeToConfirm name={name} value={typed} onChange={setTyped} />
      {rollback.isError && (
        <p role="alert" className="text-sm text-red-700">
          {errorMessage(rollback.error)}
        </p>
      )}
      <div className="flex flex-wrap justify-end gap-2">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="danger" disabled={!matches || rollback.isPending}>
          {rollback.isPending ? "Rolling back…" : "Roll back the import"}
        </Button>
      </div>
    </form>
  );
}
