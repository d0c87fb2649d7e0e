import { useState } from "react";
import { type ScheduledJob, useRemoveSchedule, useRunScheduleNow, useSchedules } from "../../../hooks/useSchedules.ts";
import { formatDateTime } from "../../../lib/format.ts";
import { Button } from "../../ui/Button.tsx";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { LoadingBlock } from "../../ui/Skeleton.tsx";
import { type AppDetail, can } from "../types.ts";
import { ScheduleForm } from "./ScheduleForm.tsx";
import { ScheduleRuns } from "./ScheduleRuns.tsx";

/** The Scheduler tab: the app's scheduled jobs, their next runs and history; members add and change them. */
export function SchedulerTab({ app }: { app: AppDetail }) {
  const schedules = useSchedules(app.name);
  const editable = can.edit(app.role);
  if (schedules.isPending) return <LoadingBlock label="Loading the scheduled jobs…" rows={1} />;
  if (schedules.isError)
    return <ErrorNotice title="The scheduled jobs could not be loaded." error={schedules.error} onRetry={() => schedules.refetch()} />;
  const { jobs, runtimeEnabled } = schedules.data;
  return (
    <div className="space-y-6">
      {!runtimeEnabled && (
        <p className="rounded-md bg-amber-50 p-3 text-sm text-amber-900">
          This platform runs no apps (no runtime): jobs are kept but do not run.
        </p>
      )}
      {jobs.length === 0 ? (
        <p className="text-sm text-slate-600" data-testid="schedules-empty">
          No scheduled jobs yet. Each runs its command as a one-off process of the current release; the output goes to the app's logs.
        </p>
      ) : (
        <ul className="space-y-4" aria-label="Scheduled jobs">
          {jobs.map((job) => (
            <JobCard key={job.id} app={app} job={job} editable={editable} />
          ))}
        </ul>
      )}
      {editable ? (
        <ScheduleForm app={app.name} onDone={() => {}} />
      ) : (
        <p className="text-sm text-slate-600">Your role ({app.role}) cannot change scheduled jobs.</p>
      )}
    </div>
  );
}

function JobCard({ app, job, editable }: { app: AppDetail; job: ScheduledJob; editable: boolean }) {
  const [editing, setEditing] = useState(false);
  const [history, setHistory] = useState(false);
  const remove = useRemoveSchedule(app.name);
  const runNow = useRunScheduleNow(app.name);
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4" data-testid="scheduled-job">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 space-y-1 text-sm">
          <p className="font-medium text-slate-900">
            {job.name}{" "}
            <code className="rounded bg-slate-100 px-1">
              {job.schedule} ({job.timezone})
            </code>
            {!job.enabled && <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs">Off</span>}
          </p>
          <p className="break-all font-mono text-slate-700">{job.command}</p>
          <p className="text-slate-600">
            Timeout {job.timeoutSeconds / 60} min · overlap: {job.overlap}
            {job.nextRunsAt[0] ? ` · next ${formatDateTime(job.nextRunsAt[0])}` : ""}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" aria-expanded={history} onClick={() => setHistory(!history)}>
            {history ? "Hide runs" : "Runs"}
          </Button>
          {editable && (
            <>
              <Button variant="secondary" disabled={runNow.isPending} onClick={() => runNow.mutate({ app: app.name, name: job.name })}>
                Run now
              </Button>
              <Button variant="secondary" onClick={() => setEditing(!editing)}>
                Edit
              </Button>
              <Button
                variant="dangerGhost"
                aria-label={`Remove ${job.name}`}
                disabled={remove.isPending}
                onClick={() => remove.mutate({ app: app.name, name: job.name })}
              >
                Remove
              </Button>
            </>
          )}
        </div>
      </div>
      {editing && (
        <div className="mt-3">
          <ScheduleForm app={app.name} job={job} onDone={() => setEditing(false)} />
        </div>
      )}
      {history && (
        <div className="mt-3 overflow-x-auto">
          <ScheduleRuns app={app.name} name={job.name} />
        </div>
      )}
    </li>
  );
}

export default SchedulerTab;
