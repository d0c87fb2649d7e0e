// What went wrong talking to Heroku, in words for the person importing. A message never holds
// the Heroku token nor a pre-signed blob URL (both are credentials); Heroku's own message is
// quoted, cut, and scrubbed of the token in case it echoes it.
import { EngineError, type ErrorCode } from "../../errors.ts";

export class HerokuApiError extends EngineError {
  constructor(
    code: ErrorCode,
    message: string,
    /** The HTTP status (0 when Heroku was not reached) and Heroku's error id, for clients. */
    readonly status: number,
    readonly herokuId: string | null = null,
    details: Record<string, unknown> = {},
  ) {
    super(code, message, { status, herokuId, ...details });
  }
}

/** What the failed request was for, to say it in the message. */
export interface RequestWhat {
  /** "GET /apps/shop/config-vars": method and path, never a query or a host. */
  label: string;
  /** The message for a 404, e.g. `Heroku has no app named "shop" visible to this token.` */
  notFound?: string;
}

/** Turns a failed answer into the error the user reads. */
export function errorForStatus(
  status: number,
  body: { id: string; message: string } | null,
  what: RequestWhat,
  scrub: (s: string) => string,
  retryAfterSeconds: number | null = null,
): HerokuApiError {
  const said = body ? ` Heroku said: ${quote(scrub(body.message))}` : "";
  const id = body?.id ?? null;
  if (status === 401)
    return new HerokuApiError(
      "UNAUTHORIZED",
      "Heroku refused the API token (401): it is wrong, expired or revoked. Make a new one with `heroku authorizations:create` and try again.",
      status,
      id,
    );
  if (status === 403) return new HerokuApiError("FORBIDDEN", `Heroku does not let this token do ${what.label} (403).${said}`, status, id);
  if (status === 404)
    return new HerokuApiError("NOT_FOUND", what.notFound ?? `Heroku found nothing at ${what.label} (404).${said}`, status, id);
  if (status === 429)
    return new HerokuApiError(
      "TOO_MANY_REQUESTS",
      `Heroku's rate limit for this token is used up (429 on ${what.label}, retried). Wait a few minutes and try again.`,
      status,
      id,
      retryAfterSeconds === null ? {} : { retryAfterSeconds },
    );
  if (status >= 500)
    return new HerokuApiError("BAD_REQUEST", `Heroku failed to answer ${what.label} (${status}); try again later.${said}`, status, id);
  return new HerokuApiError("BAD_REQUEST", `Heroku refused ${what.label} (${status}).${said}`, status, id);
}

/** Heroku's answer arrived but cannot be used: not JSON, too large, not the documented shape. */
export function unusableAnswer(what: RequestWhat, status: number, why: string): HerokuApiError {
  return new HerokuApiError("BAD_REQUEST", `Heroku's answer to ${what.label} could not be used: ${why}.`, status);
}

/** Heroku was not reached, or did not answer in time. */
export function unreachable(what: RequestWhat, host: string, why: string): HerokuApiError {
  return new HerokuApiError("BAD_REQUEST", `Could not reach Heroku (${host}) for ${what.label}: ${why}.`, 0);
}

function quote(message: string): string {
  const cut = message.length > 300 ? `${message.slice(0, 300)}…` : message;
  return JSON.stringify(cut.replace(/\s+/g, " ").trim());
}
