// Free-form JSON an export carries through untouched (a build plan, an autoscale policy, a health
// check) still comes from an uploaded file: it is held to a depth, a count and a size so that
// neither parsing it further nor storing it can be made expensive.
import { z } from "zod";

export interface JsonBounds {
  maxDepth: number;
  maxNodes: number;
  /** Length of its JSON text. */
  maxChars: number;
}

const DEFAULT_BOUNDS: JsonBounds = { maxDepth: 16, maxNodes: 10_000, maxChars: 64 * 1024 };

/** Why `value` is not bounded, plain JSON; null when it is. */
export function jsonProblem(value: unknown, bounds: JsonBounds = DEFAULT_BOUNDS): string | null {
  let nodes = 0;
  const walk = (v: unknown, depth: number): string | null => {
    if (++nodes > bounds.maxNodes) return `it has more than ${bounds.maxNodes} values`;
    if (v === null || typeof v === "string" || typeof v === "boolean") return null;
    if (typeof v === "number") return Number.isFinite(v) ? null : "it holds a number JSON cannot";
    if (typeof v !== "object") return `it holds a ${typeof v}, which JSON cannot`;
    if (depth >= bounds.maxDepth) return `it is nested more than ${bounds.maxDepth} levels deep`;
    if (!Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null)
      return "it holds a non-JSON object";
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      const problem = walk(child, depth + 1);
      if (problem) return problem;
    }
    return null;
  };
  const problem = walk(value, 0);
  if (problem) return problem;
  if (JSON.stringify(value).length > bounds.maxChars) return `it is longer than ${bounds.maxChars} characters as JSON`;
  return null;
}

/** A zod schema for bounded JSON of any shape. */
export function boundedJson(bounds: JsonBounds = DEFAULT_BOUNDS) {
  return z.unknown().superRefine((value, ctx) => {
    const problem = jsonProblem(value, bounds);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}
