export {
  createJobQueue,
  JobCancelledError,
  type JobHandler,
  type JobHandlerSpec,
  JobInterruptedError,
  type JobQueue,
  JobTimedOutError,
} from "./queue.ts";
