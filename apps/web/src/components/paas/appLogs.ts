import type { RouterInputs, RouterOutputs } from "../../lib/trpc.ts";
import { LOG_LEVELS, type LogFilters, type LogLevel, type LogRange } from "../../store/logViewerSlice.ts";
import { shortId } from "./deployments.ts";

/** One line of an app's runtime log (packages/engine/src/events/bus.ts). */
export type AppLogEntry = RouterOutputs["logs"]["query"][number];

/** The most stored lines the engine sends before the live ones. */
export const LOG_TAIL = 10_000;

export const LOG_RANGE_OPTIONS: { range: LogRange; label: string; ms: number | null }[] = [
  { range: "all", label: "Any time", ms: null },
  { range: "15m", label: "Last 15 minutes", ms: 15 * 60_000 },
  { range: "1h", label: "Last hour", ms: 3_600_000 },
  { range: "6h", label: "Last 6 hours", ms: 6 * 3_600_000 },
  { range: "24h", label: "Last 24 hours", ms: 24 * 3_600_000 },
];

export const LEVEL_LABELS: Record<LogLevel, string> = { debug: "Debug", info: "Info", warn: "Warning", error: "Error" };

/**
 * What logs.follow is asked for: only the filters in use, so the server filters the stored tail and
 * the live lines alike. The search box holds the log search language (`q`), parsed by the engine.
 */
export function followInput(app: string, f: LogFilters, now: Date): RouterInputs["logs"]["follow"] {
  const ms = LOG_RANGE_OPTIONS.find((r) => r.range === f.range)?.ms ?? null;
  const search = f.search.trim();
  return {
    app,
    tail: LOG_TAIL,
    ...(f.levels.length < LOG_LEVELS.length ? { levels: f.levels } : {}),
    ...(f.processType ? { processType: f.processType } : {}),
    ...(f.instanceId ? { instanceId: f.instanceId } : {}),
    ...(search ? { q: search } : {}),
    ...(ms !== null ? { since: new Date(now.getTime() - ms) } : {}),
  };
}

/** "web.1a2b3c4d" for an instance's line, "web" without an instance, else where it came from ("platform"). */
export function processLabel(e: AppLogEntry): string {
  if (!e.processType) return e.source;
  return e.instanceId ? `${e.processType}.${shortId(e.instanceId)}` : e.processType;
}

/** A line as the download has it: ISO time, process, level, text (the caller strips the colours). */
export const entryText = (e: AppLogEntry) => `${e.loggedAt.toISOString()} ${processLabel(e)} ${e.level.toUpperCase().padEnd(5)} ${e.line}`;

/** "web-shop-logs-2025-01-02.txt" */
export const logFileName = (app: string, now: Date) => `${app}-logs-${now.toISOString().slice(0, 10)}.txt`;
