import { z } from "zod";

/** Where the control plane's spans go over OTLP/HTTP, read from the standard OTel variables. */
export interface OtlpExport {
  /** The full traces URL (…/v1/traces). */
  url: string;
  headers: Record<string, string>;
}

export interface TracingSettings {
  serviceName: string;
  /** Null: nothing is exported (build and deployment spans are still kept for the dashboard). */
  export: OtlpExport | null;
  /** Days build and deployment spans are kept (they also go with their build or deployment). */
  retentionDays: number;
  /** What apps get as OTEL_EXPORTER_OTLP_ENDPOINT (SKYPANEL_APP_OTLP_ENDPOINT); null: nothing is set for them. */
  appEndpoint: string | null;
}

export const DEFAULT_SERVICE_NAME = "skypanel";
export const DEFAULT_TRACE_RETENTION_DAYS = 14;

export class TracingSettingsError extends Error {}

const httpUrl = (name: string, value: string) => {
  const parsed = z.url({ protocol: /^https?$/ }).safeParse(value);
  if (!parsed.success) throw new TracingSettingsError(`${name} must be an http(s) URL, not ${JSON.stringify(value)}.`);
  return value;
};

/**
 * `k1=v1,k2=v2` with URL-encoded parts, as the OTel spec writes OTEL_EXPORTER_OTLP_HEADERS; a
 * malformed entry is an error at start rather than a header silently missing at the collector.
 */
export function parseOtlpHeaders(value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (value ?? "").split(",")) {
    if (part.trim() === "") continue;
    const i = part.indexOf("=");
    const key = i > 0 ? safeDecode(part.slice(0, i).trim()) : "";
    if (!key || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key))
      throw new TracingSettingsError(`OTEL_EXPORTER_OTLP_HEADERS: ${JSON.stringify(part.trim())} is not name=value.`);
    out[key] = safeDecode(part.slice(i + 1).trim());
  }
  return out;
}

function safeDecode(s: string) {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new TracingSettingsError(`OTEL_EXPORTER_OTLP_HEADERS: ${JSON.stringify(s)} is not URL-encoded correctly.`);
  }
}

/**
 * The tracing settings from the environment: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is the traces
 * URL as given; OTEL_EXPORTER_OTLP_ENDPOINT is a base that gets /v1/traces (as the spec says).
 * OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none turn exporting off.
 */
export function tracingSettingsFromEnv(env: Record<string, string | undefined>): TracingSettings {
  const tracesUrl = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const off = env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true" || env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === "none";
  let url: string | null = null;
  if (tracesUrl) url = httpUrl("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", tracesUrl);
  else if (base) url = `${httpUrl("OTEL_EXPORTER_OTLP_ENDPOINT", base).replace(/\/+$/, "")}/v1/traces`;
  const headers = parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? env.OTEL_EXPORTER_OTLP_HEADERS);
  const days = env.SKYPANEL_TRACE_RETENTION_DAYS?.trim();
  const retentionDays = days ? Number(days) : DEFAULT_TRACE_RETENTION_DAYS;
  if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 3650)
    throw new TracingSettingsError(
      `SKYPANEL_TRACE_RETENTION_DAYS must be a whole number of days from 1 to 3650, not ${JSON.stringify(days)}.`,
    );
  const appEndpoint = env.SKYPANEL_APP_OTLP_ENDPOINT?.trim() || null;
  return {
    serviceName: env.OTEL_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME,
    export: url && !off ? { url, headers } : null,
    retentionDays,
    appEndpoint: appEndpoint ? httpUrl("SKYPANEL_APP_OTLP_ENDPOINT", appEndpoint) : null,
  };
}
