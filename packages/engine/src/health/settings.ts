// Health check settings a user gives for a process type, checked before anything uses them.
// Every rule has a message that names the setting and says what is allowed.
import { ValidationError } from "../errors.ts";
import { parseBodyMatch } from "./body-match.ts";
import type { StatusRange } from "./probe.ts";

export const HEALTH_CHECK_TYPES = ["http", "tcp", "command", "none"] as const;
export type HealthCheckType = (typeof HEALTH_CHECK_TYPES)[number];

export interface HealthCheckSettings {
  /** `none` turns checks off. Unset: `command` when a command is given, else the process type's default. */
  type?: HealthCheckType;
  /** HTTP: the path to GET, starting with `/`. */
  path?: string;
  /** HTTP: one status or an inclusive range. */
  expectStatus?: number | StatusRange;
  /** HTTP: a substring, or `/regex/flags` (flags i, m, s, u). */
  bodyMatch?: string;
  /** HTTP: the Host header to send. */
  host?: string;
  /** Command: a shell command line, run with `sh -c`; healthy when it exits 0. */
  command?: string;
  intervalSeconds?: number;
  timeoutSeconds?: number;
  startPeriodSeconds?: number;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
}

/** What a check uses for each setting the user leaves unset. */
export const HEALTH_CHECK_DEFAULTS = {
  intervalSeconds: 10,
  /** Capped at half the interval when the user shortens the interval. */
  timeoutSeconds: 5,
  /** Enough for most apps to boot; slow ones set more. */
  startPeriodSeconds: 30,
  healthyThreshold: 1,
  unhealthyThreshold: 3,
} as const;

export const HEALTH_CHECK_LIMITS = {
  intervalSeconds: { min: 1, max: 300 },
  startPeriodSeconds: { min: 0, max: 600 },
  threshold: { min: 1, max: 10 },
  pathLength: 2048,
  bodyMatchLength: 200,
  commandLength: 1000,
} as const;

/** A health check setting breaks a rule; `setting` names it. */
export class InvalidHealthCheckError extends ValidationError {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`Health check ${setting}: ${message}`, { setting });
  }
}

const KEYS: readonly (keyof HealthCheckSettings)[] = [
  "type",
  "path",
  "expectStatus",
  "bodyMatch",
  "host",
  "command",
  "intervalSeconds",
  "timeoutSeconds",
  "startPeriodSeconds",
  "healthyThreshold",
  "unhealthyThreshold",
];
const HTTP_ONLY = ["path", "expectStatus", "bodyMatch", "host"] as const;
const HOST_HEADER =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

// Control characters would break the request line or hide part of a command from the user.
function hasControlCharacters(text: string, allowTab: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && !(allowTab && c === 0x09)) || c === 0x7f) return true;
  }
  return false;
}

/** Checks settings from a user (any JSON) and returns them typed; throws InvalidHealthCheckError. */
export function checkHealthCheckSettings(input: unknown): HealthCheckSettings {
  if (input === undefined || input === null) return {};
  if (typeof input !== "object" || Array.isArray(input)) throw new InvalidHealthCheckError("settings", "must be an object.");
  const settings = input as Record<string, unknown>;
  for (const key of Object.keys(settings)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new InvalidHealthCheckError(key, `is not a setting; the settings are ${KEYS.join(", ")}.`);
    }
  }
  const s = settings as HealthCheckSettings;
  if (s.type !== undefined && !HEALTH_CHECK_TYPES.includes(s.type)) {
    throw new InvalidHealthCheckError("type", `must be one of ${HEALTH_CHECK_TYPES.join(", ")}.`);
  }
  const type = s.type ?? (s.command !== undefined ? "command" : undefined);
  if (type !== undefined && type !== "http") {
    const misplaced = HTTP_ONLY.find((key) => s[key] !== undefined);
    if (misplaced) throw new InvalidHealthCheckError(misplaced, `only applies to http checks, and this one is ${type}.`);
  }
  if (type !== "command" && s.command !== undefined) {
    throw new InvalidHealthCheckError("command", `only applies to command checks, and this one is ${type}.`);
  }
  if (type === "command" && s.command === undefined) throw new InvalidHealthCheckError("command", "is required for a command check.");

  if (s.path !== undefined) checkPath(s.path);
  if (s.expectStatus !== undefined) checkExpectStatus(s.expectStatus);
  if (s.bodyMatch !== undefined) checkBodyMatch(s.bodyMatch);
  if (s.host !== undefined && (typeof s.host !== "string" || s.host.length > 253 || !HOST_HEADER.test(s.host))) {
    throw new InvalidHealthCheckError("host", "must be a host name or address, optionally with :port, e.g. example.com.");
  }
  if (s.command !== undefined) checkCommand(s.command);
  checkNumber("intervalSeconds", s.intervalSeconds, HEALTH_CHECK_LIMITS.intervalSeconds, "seconds");
  checkNumber("startPeriodSeconds", s.startPeriodSeconds, HEALTH_CHECK_LIMITS.startPeriodSeconds, "seconds");
  checkNumber("healthyThreshold", s.healthyThreshold, HEALTH_CHECK_LIMITS.threshold, "consecutive checks", true);
  checkNumber("unhealthyThreshold", s.unhealthyThreshold, HEALTH_CHECK_LIMITS.threshold, "consecutive checks", true);
  if (s.timeoutSeconds !== undefined) {
    if (typeof s.timeoutSeconds !== "number" || !Number.isFinite(s.timeoutSeconds) || s.timeoutSeconds <= 0) {
      throw new InvalidHealthCheckError("timeoutSeconds", "must be a number of seconds above 0.");
    }
    const interval = s.intervalSeconds ?? HEALTH_CHECK_DEFAULTS.intervalSeconds;
    if (s.timeoutSeconds >= interval) {
      const which =
        s.intervalSeconds === undefined
          ? `the default interval of ${interval} seconds; set intervalSeconds too`
          : `the interval of ${interval} seconds`;
      throw new InvalidHealthCheckError("timeoutSeconds", `must be less than ${which}.`);
    }
  }
  return s;
}

function checkPath(path: unknown) {
  if (typeof path !== "string" || !path.startsWith("/")) throw new InvalidHealthCheckError("path", 'must start with "/", e.g. /health.');
  if (path.length > HEALTH_CHECK_LIMITS.pathLength)
    throw new InvalidHealthCheckError("path", `must be at most ${HEALTH_CHECK_LIMITS.pathLength} characters.`);
  if (/\s/.test(path) || hasControlCharacters(path, false))
    throw new InvalidHealthCheckError("path", "must not contain spaces or control characters; encode them as %20 etc.");
}

function checkExpectStatus(expect: unknown) {
  const isStatus = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 100 && n <= 599;
  if (isStatus(expect)) return;
  const range = expect as Partial<StatusRange> | null;
  if (typeof range === "object" && range !== null && isStatus(range.min) && isStatus(range.max) && range.min <= range.max) return;
  throw new InvalidHealthCheckError("expectStatus", "must be an HTTP status (100–599) or a range { min, max } of them with min ≤ max.");
}

function checkBodyMatch(bodyMatch: unknown) {
  const max = HEALTH_CHECK_LIMITS.bodyMatchLength;
  if (typeof bodyMatch !== "string" || bodyMatch.length === 0 || bodyMatch.length > max) {
    throw new InvalidHealthCheckError("bodyMatch", `must be text of 1 to ${max} characters.`);
  }
  let matcher: ReturnType<typeof parseBodyMatch>;
  try {
    matcher = parseBodyMatch(bodyMatch);
  } catch (err) {
    throw new InvalidHealthCheckError("bodyMatch", `is not a valid regular expression: ${(err as Error).message}`);
  }
  // g and y would make matching depend on the previous match.
  if (matcher.kind === "regex" && /[^imsu]/.test(matcher.regex.flags)) {
    throw new InvalidHealthCheckError("bodyMatch", `flags may only be i, m, s and u, not "${matcher.regex.flags}".`);
  }
}

function checkCommand(command: unknown) {
  const max = HEALTH_CHECK_LIMITS.commandLength;
  if (typeof command !== "string" || !command.trim() || command.length > max) {
    throw new InvalidHealthCheckError("command", `must be a command line of 1 to ${max} characters.`);
  }
  if (hasControlCharacters(command, true)) throw new InvalidHealthCheckError("command", "must be one line without control characters.");
}

function checkNumber(setting: string, value: unknown, { min, max }: { min: number; max: number }, unit: string, integer = false) {
  if (value === undefined) return;
  const ok = typeof value === "number" && Number.isFinite(value) && (!integer || Number.isInteger(value)) && value >= min && value <= max;
  if (!ok) throw new InvalidHealthCheckError(setting, `must be ${integer ? "a whole number" : "a number"} from ${min} to ${max} ${unit}.`);
}
