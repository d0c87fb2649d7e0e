import { type FormEvent, useState } from "react";
import { type ScheduledJob, useSaveSchedule, useSchedulePreview } from "../../../hooks/useSchedules.ts";
import { formatDateTime } from "../../../lib/format.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { Field, SelectField } from "../../ui/Field.tsx";

const OVERLAPS = {
  skip: "Skip it (recorded as skipped)",
  queue: "Queue it (at most one waits)",
  run: "Run it alongside",
} as const;
type Overlap = keyof typeof OVERLAPS;

/** Add a job, or change one (`job`): cron and time zone, with the next due times as typed. */
export function ScheduleForm({ app, job, onDone }: { app: string; job?: ScheduledJob; onDone: () => void }) {
  const [name, setName] = useState(job?.name ?? "");
  const [command, setCommand] = useState(job?.command ?? "");
  const [schedule, setSchedule] = useState(job?.schedule ?? "0 3 * * *");
  const [timezone, setTimezone] = useState(job?.timezone ?? "UTC");
  const [minutes, setMinutes] = useState(String((job?.timeoutSeconds ?? 1800) / 60));
  const [overlap, setOverlap] = useState<Overlap>(job?.overlap ?? "skip");
  const preview = useSchedulePreview(schedule, timezone);
  const save = useSaveSchedule(app, Boolean(job));

  function submit(event: FormEvent) {
    event.preventDefault();
    const fields = { command, schedule, timezone, timeoutSeconds: Math.round(Number(minutes) * 60), overlap };
    save.save(job ? { app, name: job.name, ...fields } : { app, name, ...fields }, onDone);
  }

  return (
    <form
      onSubmit={submit}
      aria-label={job ? `Change ${job.name}` : "Add a scheduled job"}
      className="space-y-3 rounded-md border border-slate-200 p-3"
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Name" required disabled={Boolean(job)} value={name} onChange={(e) => setName(e.target.value)} placeholder="nightly" />
        <Field label="Command" required value={command} onChange={(e) => setCommand(e.target.value)} placeholder="node tasks/cleanup.js" />
        <Field
          label="Schedule (cron)"
          required
          value={schedule}
          onChange={(e) => setSchedule(e.target.value)}
          hint="minute hour day month weekday, e.g. */15 * * * *"
          error={preview.isError ? errorMessage(preview.error) : undefined}
        />
        <Field label="Time zone" value={timezone} onChange={(e) => setTimezone(e.target.value)} hint="An IANA name: UTC, Europe/Paris…" />
        <Field
          label="Timeout (minutes)"
          type="number"
          min={1 / 60}
          max={1440}
          step="any"
          value={minutes}
          onChange={(e) => setMinutes(e.target.value)}
        />
        <SelectField
          label="When a run is due while the last still runs"
          value={overlap}
          onChange={(e) => setOverlap(e.target.value as Overlap)}
        >
          {(Object.keys(OVERLAPS) as Overlap[]).map((o) => (
            <option key={o} value={o}>
              {OVERLAPS[o]}
            </option>
          ))}
        </SelectField>
      </div>
      {preview.data && (
        <p className="text-sm text-slate-700" data-testid="schedule-preview">
          Next runs: {preview.data.at.map((d) => formatDateTime(d)).join(" · ")}
        </p>
      )}
      {save.isError && (
        <p role="alert" className="text-sm text-red-700">
          {errorMessage(save.error)}
        </p>
      )}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" disabled={save.isPending}>
          {save.isPending ? "Saving…" : job ? "Save" : "Add job"}
        </Button>
        {job && (
          <Button type="button" variant="secondary" onClick={onDone}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
