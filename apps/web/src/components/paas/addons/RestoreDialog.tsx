import { type FormEvent, useState } from "react";
import { type Addon, type AddonBackup, useRestoreBackup } from "../../../hooks/useAddons.ts";
import { formatDateTime } from "../../../lib/format.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { Dialog } from "../../ui/Dialog.tsx";
import { Field } from "../../ui/Field.tsx";
import { TypeToConfirm } from "../../ui/TypeToConfirm.tsx";
import type { AppDetail } from "../types.ts";
import { DEFAULT_RESTORED_AS } from "./addonTypes.ts";

/**
 * Restores a backup into the add-on itself, replacing its data (so the user types the app's name
 * first), or into a new add-on attached under another var, leaving the current data alone.
 */
export function RestoreDialog({ app, addon, backup, onClose }: { app: AppDetail; addon: Addon; backup: AddonBackup; onClose: () => void }) {
  const [into, setInto] = useState<"same" | "new">("same");
  const [typed, setTyped] = useState("");
  const [as, setAs] = useState("");
  const restore = useRestoreBackup();
  const ready = into === "new" || typed === app.name;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!ready) return;
    const target = into === "new" ? { into: "new", ...(as.trim() ? { as: as.trim() } : {}) } : { confirm: typed };
    restore.mutate({ app: app.name, addonId: addon.id, backupId: backup.id, ...target }, { onSuccess: onClose });
  }

  const choose = (value: "same" | "new") => {
    restore.reset();
    setInto(value);
  };

  return (
    <Dialog title={`Restore the backup of ${formatDateTime(backup.createdAt)}`} onClose={onClose} testId="restore-backup">
      <form onSubmit={submit} className="space-y-3">
        <fieldset className="space-y-2 text-sm text-slate-800">
          <legend className="mb-1 font-medium">Restore into</legend>
          <label className="flex items-start gap-2">
            <input type="radio" name="restore-into" className="mt-1" checked={into === "same"} onChange={() => choose("same")} />
            <span>{addon.name} itself, replacing its current data</span>
          </label>
          <label className="flex items-start gap-2">
            <input type="radio" name="restore-into" className="mt-1" checked={into === "new"} onChange={() => choose("new")} />
            <span>A new add-on, leaving {addon.name} as it is</span>
          </label>
        </fieldset>
        {into === "same" ? (
          <>
            <p className="text-sm text-slate-700">
              The current data of <strong>{addon.name}</strong> is replaced by the backup's: whatever was written since{" "}
              {formatDateTime(backup.createdAt)} is lost. The app may fail its queries while the restore runs.
            </p>
            <TypeToConfirm name={app.name} value={typed} onChange={setTyped} />
          </>
        ) : (
          <Field
            label="Config var of the new add-on"
            placeholder={DEFAULT_RESTORED_AS}
            hint={`Empty: ${DEFAULT_RESTORED_AS}. Point the app at it by hand once you have checked the data.`}
            autoComplete="off"
            spellCheck={false}
            value={as}
            onChange={(e) => {
              restore.reset();
              setAs(e.target.value);
            }}
          />
        )}
        {restore.isError && (
          <p role="alert" className="text-sm text-red-700">
            {errorMessage(restore.error)}
          </p>
        )}
        <div className="flex flex-wrap justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant={into === "same" ? "danger" : "primary"} disabled={!ready || restore.isPending}>
            {restore.isPending
              ? "Starting the restore…"
              : into === "same"
                ? `Replace the data of ${addon.name}`
                : "Restore into a new add-on"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
