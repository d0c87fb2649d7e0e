import { type FormEvent, useState } from "react";
import { useDeleteApp } from "../../hooks/useApps.ts";
import { errorMessage } from "../../lib/trpc.ts";
import { Button } from "../ui/Button.tsx";
import { TypeToConfirm } from "../ui/TypeToConfirm.tsx";

/** Deleting is irreversible, so the user types the app's name before the button wakes up. */
export function ConfirmDeleteApp({
  app,
  onDeleted,
  onCancel,
}: {
  app: { id: string; name: string };
  onDeleted: () => void;
  onCancel?: () => void;
}) {
  const [typed, setTyped] = useState("");
  const remove = useDeleteApp();
  const matches = typed === app.name;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (matches) remove.mutate({ app: app.id }, { onSuccess: onDeleted });
  }

  return (
    <form onSubmit={submit} className="space-y-3" data-testid="confirm-delete-app">
      <p className="text-sm text-slate-700">
        This deletes <strong>{app.name}</strong> with its config vars, releases and domains. It cannot be undone.
      </p>
      <TypeToConfirm name={app.name} value={typed} onChange={setTyped} />
      {remove.isError && (
        <p role="alert" className="text-sm text-red-700">
          {errorMessage(remove.error)}
        </p>
      )}
      <div className="flex flex-wrap justify-end gap-2">
        {onCancel && <Button onClick={onCancel}>Cancel</Button>}
        <Button type="submit" variant="danger" disabled={!matches || remove.isPending}>
          {remove.isPending ? "Deleting…" : "Delete app"}
        </Button>
      </div>
    </form>
  );
}
