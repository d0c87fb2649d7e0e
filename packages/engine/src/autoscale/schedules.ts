// Schedules: a cron expression read in a time zone opens a window of `durationSeconds` at each
// firing; inside it the schedule's min/max replace the policy's (croner does the calendar work).
import type { ScalingSchedule } from "@skypanel/db";
import { Cron } from "croner";

export const SCHEDULE_DURATION_SECONDS = { min: 60, max: 7 * 86_400 };

/** Throws croner's own message for a pattern or time zone it cannot read. */
export function parseCron(cron: string, timeZone: string): Cron {
  const job = new Cron(cron, { timezone: timeZone, mode: "5-part", paused: true });
  // A time zone croner cannot use only shows when a date is converted.
  job.nextRun(new Date(0));
  return job;
}

/** Whether `now` is inside one of the schedule's windows: it fired within the last `durationSeconds`. */
export function scheduleActive(s: ScalingSchedule, now: Date): boolean {
  // The first firing strictly after the window's length ago; at or before now means a window is open.
  const fired = parseCron(s.cron, s.timeZone).nextRun(new Date(now.getTime() - s.durationSeconds * 1000));
  return fired !== null && fired.getTime() <= now.getTime();
}

export interface Bounds {
  min: number;
  max: number;
  /** The schedules whose windows are open (their indexes in the policy's list). */
  active: number[];
}

/**
 * The bounds in force at `now`. Overlapping windows take the highest minimum and the highest
 * maximum among them (a busy-hours schedule is never cut down by another); the maximum is never
 * below the minimum.
 */
export function boundsAt(policy: { minInstances: number; maxInstances: number; schedules: ScalingSchedule[] }, now: Date): Bounds {
  const active = policy.schedules.flatMap((s, i) => (scheduleActive(s, now) ? [i] : []));
  if (active.length === 0) return { min: policy.minInstances, max: policy.maxInstances, active };
  const open = active.map((i) => policy.schedules[i] as ScalingSchedule);
  const min = Math.max(...open.map((s) => s.minInstances ?? policy.minInstances));
  const max = Math.max(...open.map((s) => s.maxInstances ?? policy.maxInstances));
  return { min, max: Math.max(min, max), active };
}
