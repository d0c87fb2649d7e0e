import type { AppLogEntry } from "../events/bus.ts";

const ERROR = /\b(error|fatal|panic|exception|traceback|critical)\b/i;
const WARN = /\b(warn|warning|deprecated)\b/i;
const DEBUG = /\b(debug|trace)\b/i;

/**
 * A line's level: a JSON log line's own `level`, else words in the line. stderr without such
 * words is a warning (many runtimes write ordinary notices there). A guess, shown as such.
 */
export function guessLevel(line: string, stream: AppLogEntry["stream"]): AppLogEntry["level"] {
  if (line.startsWith("{")) {
    try {
      const level = String((JSON.parse(line) as { level?: unknown }).level ?? "").toLowerCase();
      if (level === "error" || level === "fatal" || level === "50" || level === "60") return "error";
      if (level === "warn" || level === "warning" || level === "40") return "warn";
      if (level === "debug" || level === "trace" || level === "20" || level === "10") return "debug";
      if (level) return "info";
    } catch {
      // Not JSON after all.
    }
  }
  if (ERROR.test(line)) return "error";
  if (WARN.test(line)) return "warn";
  if (DEBUG.test(line)) return "debug";
  return stream === "stderr" ? "warn" : "info";
}
