import { useState } from "react";
import { type Addon, type AddonBackup, isBackupBusy, useAddons, useBackups, useCreateBackup } from "../../../hooks/useAddons.ts";
import { formatDateTime } from "../../../lib/format.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../../ui/Skeleton.tsx";
import type { AppDetail } from "../types.ts";
import { BackupRow } from "./BackupRow.tsx";
import { BackupSchedule } from "./BackupSchedule.tsx";
import { RestoreDialog } from "./RestoreDialog.tsx";

/** A PostgreSQL add-on's backups (pg_dump files), taken on demand or daily, and restored from here. */
export function BackupList({ app, addon, editable }: { app: AppDetail; addon: Addon; editable: boolean }) {
  const backups = useBackups(app.name, addon.id);
  const addons = useAddons(app.name);
  const create = useCreateBackup(app.name, addon.id);
  const [restoring, setRestoring] = useState<AddonBackup | null>(null);
  // The engine runs one backup or restore per add-on at a time.
  const busy = addon.status !== "available" || (backups.data?.some(isBackupBusy) ?? false);
  const nameOf = (id: string | null) =>
    id === addon.id ? "this add-on" : (addons.data?.find((a) => a.id === id)?.name ?? "an add-on that is gone");

  return (
    <section aria-label={`Backups of ${addon.name}`} className="space-y-3 border-t border-slate-200 pt-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h4 className="text-sm font-semibold text-slate-900">Backups</h4>
        {editable && (
          <Button
            aria-label={`Back up ${addon.name} now`}
            disabled={busy || create.isPending}
            onClick={() => create.mutate({ app: app.name, addonId: addon.id })}
          >
            {create.isPending ? "Starting…" : "Back up now"}
          </Button>
        )}
      </div>
      <BackupSchedule app={app.name} addon={addon} editable={editable} />
      {addon.pitr && (
        <p className="text-sm text-slate-700" data-testid="pitr-window">
          Point-in-time recovery:{" "}
          {!addon.pitr.enabled
            ? "off"
            : addon.pitr.earliest && addon.pitr.latest
              ? `restorable from ${formatDateTime(addon.pitr.earliest)} to ${formatDateTime(addon.pitr.latest)} (skypanel addons:restore --to-time)`
              : "on, waiting for archived WAL"}
        </p>
      )}
      {create.isError && (
        <p role="alert" className="text-sm text-red-700">
          {errorMessage(create.error)}
        </p>
      )}
      {backups.isPending ? (
        <LoadingBlock label="Loading the backups…" rows={1} />
      ) : backups.isError ? (
        <ErrorNotice title="The backups could not be loaded." error={backups.error} onRetry={() => backups.refetch()} />
      ) : backups.data.length === 0 ? (
        <p className="text-sm text-slate-700">No backups yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100" aria-label={`Backups of ${addon.name}, newest first`}>
          {backups.data.map((b) => (
            <BackupRow
              key={b.id}
              backup={b}
              intoName={nameOf(b.restoredInto)}
              busy={busy}
              onRestore={editable ? () => setRestoring(b) : undefined}
            />
          ))}
        </ul>
      )}
      {restoring && <RestoreDialog app={app} addon={addon} backup={restoring} onClose={() => setRestoring(null)} />}
    </section>
  );
}
