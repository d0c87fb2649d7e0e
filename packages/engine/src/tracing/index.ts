export { AsyncLocalContextManager, useAsyncContext } from "./context.ts";
export {
  DEFAULT_SERVICE_NAME,
  DEFAULT_TRACE_RETENTION_DAYS,
  type OtlpExport,
  parseOtlpHeaders,
  type TracingSettings,
  TracingSettingsError,
  tracingSettingsFromEnv,
} from "./settings.ts";
export { SUBJECT_ID_ATTRIBUTE, SubjectSpanStore } from "./span-store.ts";
export { type Outcome, SubjectTrace } from "./subject.ts";
export { createTraces, latestTrace, type TraceSpanView, type Traces, type TraceView } from "./traces.ts";
export { createTracing, ROOT_SPAN_NAMES, type Tracing, type TracingOptions } from "./tracing.ts";
