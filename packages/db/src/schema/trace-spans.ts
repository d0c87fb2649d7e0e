import { bigserial, jsonb, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { at } from "./_columns.ts";
import { builds } from "./builds.ts";
import { deployments } from "./releases.ts";

export const TRACE_SPAN_STATUSES = ["running", "ok", "error"] as const;
export type TraceSpanStatus = (typeof TRACE_SPAN_STATUSES)[number];
/** What a kept span belongs to: the dashboard draws a waterfall for each. */
export const TRACE_SUBJECTS = ["build", "deployment"] as const;
export type TraceSubject = (typeof TRACE_SUBJECTS)[number];
/** Span attributes as OpenTelemetry allows them: a primitive or a list of one kind. */
export type TraceAttributes = Record<string, string | number | boolean | string[] | number[] | boolean[]>;

/**
 * 0020: the spans of builds and deployments (the tracing span processor writes them). A span
 * belongs to one build or one deployment (a check says exactly one) and goes with it.
 */
export const traceSpans = pgTable(
  "trace_spans",
  {
    traceId: text("trace_id").notNull(),
    spanId: text("span_id").notNull(),
    parentSpanId: text("parent_span_id"),
    name: text("name").notNull(),
    buildId: uuid("build_id").references(() => builds.id, { onDelete: "cascade" }),
    deploymentId: uuid("deployment_id").references(() => deployments.id, { onDelete: "cascade" }),
    startedAt: at("started_at").notNull(),
    endedAt: at("ended_at"),
    status: text("status", { enum: TRACE_SPAN_STATUSES }).notNull(),
    statusMessage: text("status_message"),
    attributes: jsonb("attributes").$type<TraceAttributes>().notNull().default({}),
    /** The order the spans were first written in: the order they started in, below a millisecond. */
    seq: bigserial("seq", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.traceId, t.spanId] })],
);

export type TraceSpanRow = typeof traceSpans.$inferSelect;
