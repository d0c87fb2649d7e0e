import type { AutoscaleSchedule } from "../../../hooks/useAutoscale.ts";
import { Button } from "../../ui/Button.tsx";
import { Field } from "../../ui/Field.tsx";

/** One schedule as typed: text until saved, the window in minutes. */
export interface ScheduleRow {
  /** The row's identity while edited (schedules have none of their own). */
  key: number;
  cron: string;
  timeZone: string;
  durationMinutes: string;
  min: string;
  max: string;
}

let nextKey = 0;

export const scheduleRowsOf = (schedules: AutoscaleSchedule[]): ScheduleRow[] =>
  schedules.map((s) => ({
    key: nextKey++,
    cron: s.cron,
    timeZone: s.timeZone,
    durationMinutes: String(s.durationSeconds / 60),
    min: s.min === null ? "" : String(s.min),
    max: s.max === null ? "" : String(s.max),
  }));

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

/** The schedules of one policy: a cron in a time zone opens a window in which min/max are replaced. */
export function ScheduleRows({
  rows,
  disabled,
  onChange,
}: {
  rows: ScheduleRow[];
  disabled: boolean;
  onChange: (rows: ScheduleRow[]) => void;
}) {
  const set = (i: number, key: keyof ScheduleRow, value: string) => onChange(rows.map((r, j) => (j === i ? { ...r, [key]: value } : r)));
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-slate-800">Schedules</legend>
      <p className="text-sm text-slate-600">
        Inside a schedule's window the minimum and maximum given replace the policy's (empty: the policy's own); overlapping windows take
        the highest.
      </p>
      {rows.length === 0 && <p className="text-sm text-slate-500">No schedules.</p>}
      <ul className="space-y-3">
        {rows.map((row, i) => (
          <li
            key={row.key}
            aria-label={`Schedule ${i + 1}`}
            className="grid gap-3 rounded-md border border-slate-200 p-3 sm:grid-cols-3 lg:grid-cols-6"
          >
            <Field
              label="Cron"
              hint="e.g. 0 9 * * 1-5"
              value={row.cron}
              disabled={disabled}
              onChange={(e) => set(i, "cron", e.target.value)}
            />
            <Field
              label="Time zone"
              hint="e.g. Europe/Berlin"
              value={row.timeZone}
              disabled={disabled}
              onChange={(e) => set(i, "timeZone", e.target.value)}
            />
            <Field
              label="Window (minutes)"
              type="number"
              value={row.durationMinutes}
              disabled={disabled}
              onChange={(e) => set(i, "durationMinutes", e.target.value)}
            />
            <Field
              label="Minimum inside"
              type="number"
              value={row.min}
              disabled={disabled}
              onChange={(e) => set(i, "min", e.target.value)}
            />
            <Field
              label="Maximum inside"
              type="number"
              value={row.max}
              disabled={disabled}
              onChange={(e) => set(i, "max", e.target.value)}
            />
            <div className="flex items-end">
              <Button type="button" disabled={disabled} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                Remove schedule {i + 1}
              </Button>
            </div>
          </li>
        ))}
      </ul>
      <Button
        type="button"
        disabled={disabled}
        onClick={() =>
          onChange([...rows, { key: nextKey++, cron: "0 9 * * 1-5", timeZone: browserZone(), durationMinutes: "480", min: "", max: "" }])
        }
      >
        Add a schedule
      </Button>
    </fieldset>
  );
}
