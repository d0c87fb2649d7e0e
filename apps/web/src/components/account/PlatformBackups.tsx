import { useBackUpNow, usePlatformBackups } from "../../hooks/usePlatformBackups.ts";
import { formatBytes } from "../../lib/format.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";

/** Platform admins: "Back up now" and the list. Restoring happens on the new machine: `npm run restore`. */
export function PlatformBackups() {
  const list = usePlatformBackups();
  const backUp = useBackUpNow();
  const backups = list.data?.backups ?? [];
  const running = backups.some((b) => b.status === "running");
  return (
    <div className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm" data-testid="platform-backups">
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="primary" disabled={backUp.isPending || running || !list.data?.configured} onClick={() => backUp.mutate({})}>
          {running ? "Backing up…" : "Back up now"}
        </Button>
        {list.data && !list.data.configured && (
          <span className="text-slate-600">Set SKYPANEL_BACKUP_PASSPHRASE and a folder or bucket to take backups.</span>
        )}
      </div>
      {list.isError ? (
        <ErrorNotice error={list.error} onRetry={() => list.refetch()} />
      ) : backups.length === 0 ? (
        <p className="text-slate-600">No backups yet.</p>
      ) : (
        <table className="w-full text-left">
          <thead className="text-slate-600">
            <tr>
              <th className="py-1 pr-3 font-medium">Started</th>
              <th className="py-1 pr-3 font-medium">Status</th>
              <th className="py-1 pr-3 font-medium">Size</th>
              <th className="py-1 font-medium">Location</th>
            </tr>
          </thead>
          <tbody>
            {backups.map((b) => (
              <tr key={b.id} className="border-t border-slate-100 align-top">
                <td className="py-1 pr-3 whitespace-nowrap">{new Date(b.startedAt).toLocaleString()}</td>
                <td className="py-1 pr-3">{b.status === "running" ? `running: ${b.progress ?? "starting"}` : b.status}</td>
                <td className="py-1 pr-3 whitespace-nowrap">{b.sizeBytes == null ? "—" : formatBytes(b.sizeBytes)}</td>
                <td className="py-1 break-all">
                  {b.status === "failed" ? (
                    <span className="text-red-800">{b.error}</span>
                  ) : b.status === "succeeded" && b.destination === "dir" ? (
                    <a className="text-sky-700 underline" href={`/api/platform/backups/${b.id}/archive`} download>
                      {b.location}
                    </a>
                  ) : (
                    <span className="font-mono">{b.location ?? ""}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
