import { useState } from "react";
import { type ScheduledRun, useRunLogs, useScheduleRuns } from "../../../hooks/useSchedules.ts";
import { formatDateTime, formatDuration } from "../../../lib/format.ts";
import { Button } from "../../ui/Button.tsx";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../../ui/Skeleton.tsx";
import { TD, TH } from "../tableStyles.ts";

const STATUS_TEXT: Record<ScheduledRun["status"], string> = {
  queued: "queued",
  running: "running",
  succeeded: "succeeded",
  failed: "failed",
  timed_out: "timed out",
  skipped: "skipped",
};

/** A job's newest runs: due time, outcome, exit code, duration, and its log lines on demand. */
export function ScheduleRuns({ app, name }: { app: string; name: string }) {
  const runs = useScheduleRuns(app, name);
  const [open, setOpen] = useState<string | null>(null);
  if (runs.isPending) return <LoadingBlock label="Loading the runs…" rows={1} />;
  if (runs.isError) return <ErrorNotice title="The runs could not be loaded." error={runs.error} onRetry={() => runs.refetch()} />;
  if (runs.data.length === 0) return <p className="text-sm text-slate-600">No runs yet.</p>;
  return (
    <table className="w-full text-sm" data-testid="schedule-runs">
      <thead className="bg-slate-50">
        <tr>
          <th className={TH}>Due</th>
          <th className={TH}>Status</th>
          <th className={TH}>Exit</th>
          <th className={TH}>Duration</th>
          <th className={TH}>Logs</th>
        </tr>
      </thead>
      <tbody>
        {runs.data.map((r) => (
          <RunRow key={r.id} app={app} run={r} open={open === r.id} onToggle={() => setOpen(open === r.id ? null : r.id)} />
        ))}
      </tbody>
    </table>
  );
}

function RunRow({ app, run, open, onToggle }: { app: string; run: ScheduledRun; open: boolean; onToggle: () => void }) {
  return (
    <>
      <tr className="border-t border-slate-100" data-testid="schedule-run">
        <td className={TD}>{run.scheduledFor ? formatDateTime(run.scheduledFor) : "by hand"}</td>
        <td className={TD} title={run.reason ?? undefined}>
          {STATUS_TEXT[run.status]}
          {run.reason && run.status !== "succeeded" ? <span className="block text-xs text-slate-600">{run.reason}</span> : null}
        </td>
        <td className={`${TD} font-mono`}>{run.exitCode ?? ""}</td>
        <td className={TD}>{run.durationMs === null ? "" : formatDuration(run.durationMs)}</td>
        <td className={TD}>
          {run.oneOffId && (
            <Button variant="secondary" aria-expanded={open} onClick={onToggle}>
              {open ? "Hide" : "Show"}
            </Button>
          )}
        </td>
      </tr>
      {open && run.oneOffId && (
        <tr>
          <td colSpan={5} className="bg-slate-950 p-2">
            <RunLog app={app} oneOffId={run.oneOffId} />
          </td>
        </tr>
      )}
    </>
  );
}

function RunLog({ app, oneOffId }: { app: string; oneOffId: string }) {
  const logs = useRunLogs(app, oneOffId);
  if (logs.isPending) return <p className="text-xs text-slate-300">Loading the log…</p>;
  if (logs.isError) return <p className="text-xs text-red-300">The log could not be loaded.</p>;
  if (logs.data.length === 0) return <p className="text-xs text-slate-300">No log lines (they may have aged out).</p>;
  return (
    <pre className="max-h-64 overflow-auto whitespace-pre-wrap font-mono text-xs text-slate-100" data-testid="schedule-run-log">
      {logs.data.map((l) => l.line).join("\n")}
    </pre>
  );
}
