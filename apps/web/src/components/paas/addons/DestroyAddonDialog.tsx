import { type FormEvent, useState } from "react";
import { type Addon, useDestroyAddon } from "../../../hooks/useAddons.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { Dialog } from "../../ui/Dialog.tsx";
import { TypeToConfirm } from "../../ui/TypeToConfirm.tsx";
import type { AppDetail } from "../types.ts";
import { typeLabel } from "./addonTypes.ts";

/** Destroying deletes the data for good, so, as for deleting the app, the user types the app's name first. */
export function DestroyAddonDialog({ app, addon, onClose }: { app: AppDetail; addon: Addon; onClose: () => void }) {
  const [typed, setTyped] = useState("");
  const destroy = useDestroyAddon();
  const matches = typed === app.name;
  const what =
    addon.type === "redis" ? "the Redis user and all its keys" : `the ${typeLabel(addon.type)} database with all its data and backups`;
  const attachedTo = addon.attachments.map((a) => `${a.app} (${a.as})`).join(", ");

  function submit(event: FormEvent) {
    event.preventDefault();
    if (matches) destroy.mutate({ app: app.name, addonId: addon.id, confirm: typed }, { onSuccess: onClose });
  }

  return (
    <Dialog title={`Destroy ${addon.name}?`} onClose={onClose} testId="confirm-destroy-addon">
      <form onSubmit={submit} className="space-y-3">
        <p className="text-sm text-slate-700">
          This deletes {what}. It cannot be undone.
          {attachedTo && ` Its config var is removed from every app it is attached to: ${attachedTo}.`}
        </p>
        <TypeToConfirm name={app.name} value={typed} onChange={setTyped} />
        {destroy.isError && (
          <p role="alert" className="text-sm text-red-700">
            {errorMessage(destroy.error)}
          </p>
        )}
        <div className="flex flex-wrap justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="danger" disabled={!matches || destroy.isPending}>
            {destroy.isPending ? "Destroying…" : "Destroy add-on"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
