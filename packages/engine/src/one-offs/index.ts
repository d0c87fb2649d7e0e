// One-off processes: `skypanel run`, attached over a terminal or detached into the logs.
export {
  ATTACH_WITHIN_MS,
  createOneOffs,
  DEFAULT_TIMEOUT_SECONDS,
  MAX_TIMEOUT_SECONDS,
  OneOffNotFoundError,
  type OneOffRequest,
  type OneOffSession,
  type OneOffs,
  type OneOffView,
  oneOffView,
} from "./service.ts";
