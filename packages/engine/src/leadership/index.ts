// Leadership among control planes sharing one database: the one holding the lease runs the job
// queue, the reconcilers and the schedulers; the others serve the API. Public face of the area.
export { createLeadership, DEFAULT_LEASE, LEASE_NAME, type Leadership, type LeadershipStatus, type LeaseSettings } from "./leadership.ts";
