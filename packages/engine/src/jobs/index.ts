export { createJobQueue, JobCancelledError, type JobHandler, type JobHandlerSpec, type JobQueue, JobTimedOutError } from "./queue.ts";
