import { useState } from "react";
import { useAccountSessions, useEndOtherSessions, useEndSession } from "../../hooks/useAccountSessions.ts";
import { formatDateTime, formatRelative } from "../../lib/format.ts";
import type { RouterOutputs } from "../../lib/trpc.ts";
import { Button } from "../ui/Button.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { ErrorNotice } from "../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../ui/Skeleton.tsx";

type AccountSession = RouterOutputs["sessions"]["list"][number];

/** The Account page's Sessions section: where you are logged in, and logging a browser or CLI out from here. */
export function AccountSessions() {
  const sessions = useAccountSessions();
  const end = useEndSession();
  const endOthers = useEndOtherSessions();
  const [confirming, setConfirming] = useState(false);
  const others = sessions.data?.filter((s) => !s.current).length ?? 0;

  return (
    <section aria-labelledby="sessions-heading" data-testid="account-sessions">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="sessions-heading" className="text-lg font-semibold">
          Sessions
        </h2>
        {others > 0 && (
          <Button variant="dangerGhost" onClick={() => setConfirming(true)}>
            Log out other sessions
          </Button>
        )}
      </div>
      <p className="mb-3 mt-1 text-sm text-slate-600">
        Where you are logged in. Ending a session logs that browser or CLI out at once; API tokens are not affected.
      </p>
      {sessions.isPending ? (
        <LoadingBlock label="Loading sessions…" rows={2} />
      ) : sessions.isError ? (
        <ErrorNotice error={sessions.error} onRetry={() => sessions.refetch()} />
      ) : (
        <ul aria-label="Sessions" className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {sessions.data.map((s) => (
            <SessionRow key={s.id} session={s} ending={end.isPending} onEnd={() => end.mutate({ id: s.id })} />
          ))}
        </ul>
      )}
      {confirming && (
        <Dialog title="Log out other sessions?" onClose={() => setConfirming(false)}>
          <p className="text-sm text-slate-700">
            Every other browser and CLI logged in as you is logged out at once. This one stays logged in.
          </p>
          <div className="mt-4 flex justify-end gap-2">
            <Button onClick={() => setConfirming(false)}>Cancel</Button>
            <Button
              variant="danger"
              disabled={endOthers.isPending}
              onClick={() => endOthers.mutate(undefined, { onSuccess: () => setConfirming(false) })}
            >
              Log out others
            </Button>
          </div>
        </Dialog>
      )}
    </section>
  );
}

function SessionRow({ session: s, ending, onEnd }: { session: AccountSession; ending: boolean; onEnd: () => void }) {
  const client = s.userAgent || "Unknown client";
  return (
    <li data-testid="account-session" className="flex flex-col gap-2 px-4 py-3 text-sm sm:flex-row sm:items-center">
      <div className="min-w-0 flex-1">
        <p className="truncate font-medium" title={client}>
          {client}
        </p>
        <p className="text-xs text-slate-600">
          {s.ip ?? "address unknown"}
          {s.current && (
            <span className="ml-2 rounded bg-green-100 px-1.5 py-0.5 font-medium text-green-800" data-testid="current-session">
              This session
            </span>
          )}
        </p>
      </div>
      <div className="text-xs text-slate-600 sm:w-64">
        <p>Logged in {formatDateTime(s.createdAt)}</p>
        <p>Last seen {formatRelative(s.lastSeenAt)}</p>
        <p>Expires {formatDateTime(s.expiresAt)}</p>
      </div>
      {s.current ? (
        <span className="w-16" />
      ) : (
        <Button variant="dangerGhost" aria-label={`End session: ${client}, ${s.ip ?? "address unknown"}`} disabled={ending} onClick={onEnd}>
          End
        </Button>
      )}
    </li>
  );
}
