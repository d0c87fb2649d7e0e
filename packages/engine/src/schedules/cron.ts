// A job's schedule: five cron fields (minute hour day-of-month month day-of-week) read in an IANA
// time zone by croner, which does the calendar work (daylight saving included).
import { Cron } from "croner";
import { ValidationError } from "../errors.ts";

export const MAX_SCHEDULE_LENGTH = 200;
export const MAX_TIMEZONE_LENGTH = 64;

/** The schedule as croner reads it, or a ValidationError naming what is wrong. */
export function parseSchedule(schedule: string, timezone: string): Cron {
  if (typeof schedule !== "string" || !schedule.trim() || schedule.length > MAX_SCHEDULE_LENGTH) {
    throw new ValidationError(`The schedule is a cron expression of at most ${MAX_SCHEDULE_LENGTH} characters, e.g. "0 3 * * *".`);
  }
  if (typeof timezone !== "string" || !/^[A-Za-z0-9_+\-/]{1,64}$/.test(timezone) || !knownZone(timezone)) {
    throw new ValidationError(`"${String(timezone).slice(0, 64)}" is not a time zone: use an IANA name such as UTC or Europe/Paris.`);
  }
  let cron: Cron;
  try {
    cron = new Cron(schedule.trim(), { timezone, mode: "5-part", paused: true });
  } catch (err) {
    const why = (err as Error).message.replace(/^CronPattern: /, "");
    throw new ValidationError(`"${schedule.slice(0, 64)}" is not a cron schedule of five fields (minute hour day month weekday): ${why}`);
  }
  if (!cron.nextRun(new Date())) throw new ValidationError(`"${schedule.slice(0, 64)}" never comes due.`);
  return cron;
}

function knownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The next `n` due times after `from`. */
export function nextDueTimes(cron: Cron, from: Date, n: number): Date[] {
  return cron.nextRuns(n, from);
}

/**
 * The latest due time in (after, now], or null. Due times before it in that span are dropped:
 * after downtime a job runs once, for its latest missed time, never in a burst.
 */
export function latestDue(cron: Cron, after: Date, now: Date): Date | null {
  const first = cron.nextRun(after);
  if (!first || first.getTime() > now.getTime()) return null;
  // The next due time after `now` minus its own period is not general (cron is irregular): walk
  // back from just past now instead.
  const [latest] = cron.previousRuns(1, new Date(now.getTime() + 1));
  return latest && latest.getTime() > first.getTime() ? latest : first;
}
