// Scheduled jobs: a command run as a one-off of the app's current release on a cron schedule.
export { latestDue, nextDueTimes, parseSchedule } from "./cron.ts";
export { JOB_NAME_RULE, MAX_COMMAND_LENGTH, MAX_JOBS_PER_APP, RUNS_KEPT, type ScheduledJobInput, TIMEOUT_SECONDS } from "./input.ts";
export { DEFAULT_SCHEDULER_INTERVAL_MS } from "./scheduler.ts";
export {
  createSchedules,
  jobView,
  runView,
  ScheduledJobNotFoundError,
  type ScheduledJobView,
  type ScheduledRunView,
  type Schedules,
  type SchedulesOptions,
} from "./service.ts";
