export { guessLevel } from "./level.ts";
export { createLogStore, type LogQuery, type LogStore, type NewLogLine } from "./store.ts";
