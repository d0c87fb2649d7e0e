export { guessLevel } from "./level.ts";
export { createLogs } from "./service.ts";
export { createLogStore, type LogQuery, type LogStore, type NewLogLine } from "./store.ts";
