export { guessLevel } from "./level.ts";
export { isEmptyLogQuery, LOG_LEVELS, type ParsedLogQuery, parseLogQuery, QUERY_KEYS } from "./query-language.ts";
export {
  createLogRetention,
  DEFAULT_LOG_RETENTION,
  LOG_RETENTION_BOUNDS,
  type LogRetention,
  type LogRetentionLimits,
} from "./retention.ts";
export { enforceLogRetention, type RetentionPassResult } from "./retention-pass.ts";
export { createLogs } from "./service.ts";
export { createLogStore, type LogQuery, type LogStore, type NewLogLine } from "./store.ts";
