import type { AddonBackup } from "../../../hooks/useAddons.ts";
import { formatBytes, formatDateTime, formatDuration } from "../../../lib/format.ts";
import { Button } from "../../ui/Button.tsx";
import { Spinner } from "../../ui/Spinner.tsx";

/** How the backup went: running, its size and how long it took, or pg_dump's error. */
function BackupOutcome({ backup: b }: { backup: AddonBackup }) {
  if (b.status === "running") {
    return (
      <span className="inline-flex items-center gap-1.5 text-amber-900">
        <Spinner /> Running…
      </span>
    );
  }
  if (b.status === "failed") return <span className="break-words text-red-700">Failed: {b.error ?? "no reason was given"}</span>;
  const size = b.sizeBytes === null ? null : formatBytes(b.sizeBytes);
  const took = b.finishedAt ? formatDuration(b.finishedAt.getTime() - b.createdAt.getTime()) : null;
  return <span className="text-emerald-800">{["Succeeded", size, took && `took ${took}`].filter(Boolean).join(" · ")}</span>;
}

/** The backup's last restore, if it was restored. */
function RestoreOutcome({ backup: b, intoName }: { backup: AddonBackup; intoName: string }) {
  switch (b.restoreStatus) {
    case "running":
      return (
        <span className="inline-flex items-center gap-1.5 text-sky-900">
          <Spinner /> Restoring into {intoName}…
        </span>
      );
    case "succeeded":
      return (
        <span className="text-slate-700">
          Restored into {intoName}
          {b.restoredAt && `, ${formatDateTime(b.restoredAt)}`}
        </span>
      );
    case "failed":
      return (
        <span className="break-words text-red-700">
          Restore into {intoName} failed: {b.restoreError ?? "no reason was given"}
        </span>
      );
    default:
      return null;
  }
}

export function BackupRow({
  backup: b,
  intoName,
  busy,
  onRestore,
}: {
  backup: AddonBackup;
  intoName: string;
  /** A backup or restore of the add-on is running: the engine runs one at a time. */
  busy: boolean;
  /** Absent for users who may not restore. */
  onRestore?: () => void;
}) {
  const taken = formatDateTime(b.createdAt);
  return (
    <li data-testid="backup-row" data-status={b.status} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
      <div className="min-w-0 space-y-0.5">
        <p className="text-slate-900">
          {b.trigger === "manual" ? "Manual backup" : "Scheduled backup"}, {taken}
        </p>
        <p aria-live="polite">
          <BackupOutcome backup={b} />
        </p>
        {b.status === "succeeded" && (
          <p className="text-xs text-slate-600" data-testid="backup-storage">
            {b.encrypted ? "Encrypted (AES-256-GCM)" : "Not encrypted (taken before encryption)"}
            {b.remote ? ` · S3 copy: ${b.remote}` : b.remoteError ? ` · S3 copy failed: ${b.remoteError}` : " · on this machine only"}
          </p>
        )}
        {b.restoreStatus && (
          <p aria-live="polite">
            <RestoreOutcome backup={b} intoName={intoName} />
          </p>
        )}
      </div>
      {onRestore && b.status === "succeeded" && (
        <Button variant="ghost" aria-label={`Restore the backup of ${taken}`} disabled={busy} onClick={onRestore}>
          Restore…
        </Button>
      )}
    </li>
  );
}
