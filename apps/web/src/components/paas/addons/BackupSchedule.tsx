import { type Addon, useSetBackupSchedule } from "../../../hooks/useAddons.ts";
import { formatUtcHour } from "../../../lib/format.ts";
import { SelectField } from "../../ui/Field.tsx";

const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

/** When the daily backup is taken (an hour in UTC), or that there is none; saved as soon as it is chosen. */
export function BackupSchedule({ app, addon, editable }: { app: string; addon: Addon; editable: boolean }) {
  const schedule = useSetBackupSchedule();
  const said = addon.backupHour === null ? "Scheduled backups are off." : `A backup is taken daily at ${formatUtcHour(addon.backupHour)}.`;
  const kept = "The newest 7 scheduled backups are kept; manual ones stay until the add-on is destroyed.";

  if (!editable) return <p className="text-sm text-slate-700">{`${said} ${kept}`}</p>;
  return (
    <div className="flex flex-wrap items-end gap-3">
      <SelectField
        label="Daily backup"
        className="max-w-xs"
        value={addon.backupHour === null ? "off" : String(addon.backupHour)}
        disabled={schedule.isPending}
        onChange={(e) => schedule.mutate({ app, addonId: addon.id, hour: e.target.value === "off" ? null : Number(e.target.value) })}
      >
        <option value="off">Off</option>
        {HOURS.map((hour) => (
          <option key={hour} value={hour}>
            At {formatUtcHour(hour)}
          </option>
        ))}
      </SelectField>
      <p className="pb-2 text-xs text-slate-600">{kept}</p>
    </div>
  );
}
