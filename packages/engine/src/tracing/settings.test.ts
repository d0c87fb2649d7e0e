import { describe, expect, it } from "vitest";
import { parseOtlpHeaders, TracingSettingsError, tracingSettingsFromEnv } from "./settings.ts";

describe("tracing settings from the environment", () => {
  it("exports nothing when no OTLP endpoint is set", () => {
    expect(tracingSettingsFromEnv({})).toEqual({ serviceName: "skypanel", export: null, retentionDays: 14, appEndpoint: null });
  });

  it("adds /v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT; a traces endpoint is taken as given and wins", () => {
    expect(tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" }).export?.url).toBe(
      "http://collector:4318/v1/traces",
    );
    const both = tracingSettingsFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://traces.example.com/otlp/traces",
    });
    expect(both.export?.url).toBe("https://traces.example.com/otlp/traces");
  });

  it("reads headers, the service name, the retention and the apps' endpoint", () => {
    const s = tracingSettingsFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318",
      OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=abc%3D%3D, x-team = ops",
      OTEL_SERVICE_NAME: "skypanel-eu",
      SKYPANEL_TRACE_RETENTION_DAYS: "3",
      SKYPANEL_APP_OTLP_ENDPOINT: "http://10.0.0.5:4318",
    });
    expect(s).toEqual({
      serviceName: "skypanel-eu",
      export: { url: "http://127.0.0.1:4318/v1/traces", headers: { "x-api-key": "abc==", "x-team": "ops" } },
      retentionDays: 3,
      appEndpoint: "http://10.0.0.5:4318",
    });
  });

  it("OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none turn the export off", () => {
    const url = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" };
    expect(tracingSettingsFromEnv({ ...url, OTEL_SDK_DISABLED: "true" }).export).toBeNull();
    expect(tracingSettingsFromEnv({ ...url, OTEL_TRACES_EXPORTER: "none" }).export).toBeNull();
    expect(tracingSettingsFromEnv({ ...url, OTEL_TRACES_EXPORTER: "otlp" }).export).not.toBeNull();
  });

  it("refuses bad values with the variable's name", () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }, /OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/],
      [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "file:///etc/passwd" }, /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT/],
      [{ OTEL_EXPORTER_OTLP_HEADERS: "novalue" }, /OTEL_EXPORTER_OTLP_HEADERS/],
      [{ OTEL_EXPORTER_OTLP_HEADERS: "bad name=1" }, /OTEL_EXPORTER_OTLP_HEADERS/],
      [{ OTEL_EXPORTER_OTLP_HEADERS: "k=%E0%A4%A" }, /not URL-encoded/],
      [{ SKYPANEL_TRACE_RETENTION_DAYS: "0" }, /SKYPANEL_TRACE_RETENTION_DAYS/],
      [{ SKYPANEL_TRACE_RETENTION_DAYS: "1.5" }, /SKYPANEL_TRACE_RETENTION_DAYS/],
      [{ SKYPANEL_APP_OTLP_ENDPOINT: "javascript:alert(1)" }, /SKYPANEL_APP_OTLP_ENDPOINT/],
    ];
    for (const [env, message] of bad) {
      expect(() => tracingSettingsFromEnv(env), JSON.stringify(env)).toThrow(TracingSettingsError);
      expect(() => tracingSettingsFromEnv(env), JSON.stringify(env)).toThrow(message);
    }
  });

  it("parses empty header lists and skips empty entries", () => {
    expect(parseOtlpHeaders(undefined)).toEqual({});
    expect(parseOtlpHeaders(" , a=1,,")).toEqual({ a: "1" });
  });
});
