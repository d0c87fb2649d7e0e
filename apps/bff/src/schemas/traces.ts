import { TRACE_SPAN_STATUSES, TRACE_SUBJECTS } from "@skypanel/db";
import { z } from "zod";
import { buildRef } from "./builds.ts";
import { deploymentGetInput } from "./deployments.ts";

export const buildTraceInput = buildRef;
export const deploymentTraceInput = deploymentGetInput;

const attributeValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.array(z.number()), z.array(z.boolean())]);

export const traceSpanSchema = z
  .strictObject({
    spanId: z.string().meta({ description: "16 hex digits, as OpenTelemetry writes it." }),
    parentSpanId: z.string().nullable().meta({ description: "Null for the build's or deployment's own span." }),
    name: z.string().meta({ description: "The stage or step: fetch, detect, build…; switch, start instance, wait for health…" }),
    startedAt: z.date(),
    endedAt: z.date().nullable().meta({ description: "Null while it runs." }),
    durationMs: z.number().int().nullable(),
    status: z.enum(TRACE_SPAN_STATUSES),
    statusMessage: z.string().nullable().meta({ description: "Why it failed, for an error." }),
    attributes: z.record(z.string(), attributeValue),
  })
  .meta({ id: "TraceSpan" });

export const traceSchema = z
  .strictObject({
    subject: z.enum(TRACE_SUBJECTS),
    subjectId: z.uuid(),
    traceId: z.string().nullable().meta({ description: "32 hex digits; null when no span was kept (older, or past retention)." }),
    spans: z.array(traceSpanSchema),
  })
  .meta({ id: "Trace" });
