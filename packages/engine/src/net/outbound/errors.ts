// Errors of outbound requests made for users. Messages name what was being reached and where,
// with any credentials already taken out of the URL by the caller.
import { EngineError, ValidationError } from "../../errors.ts";
import { formatBytes } from "../../sources/limits.ts";
import { OUTBOUND_ALLOW_SETTING } from "./allow-list.ts";
import { RANGE_WORDS, type RefusedRange } from "./classify.ts";

/** What is being reached, for messages: "git source", "log drain", "alert webhook"… and its URL, shown safely. */
export interface OutboundTarget {
  what: string;
  shown: string;
}

export class OutboundRefusedError extends ValidationError {
  constructor(target: OutboundTarget, address: string, range: RefusedRange) {
    const how = range === "metadata" ? `${OUTBOUND_ALLOW_SETTING} (naming this exact address)` : OUTBOUND_ALLOW_SETTING;
    super(`Refused: ${target.what} ${target.shown} resolves to ${address}, ${RANGE_WORDS[range]}; an operator can allow it with ${how}.`, {
      address,
      range,
      setting: OUTBOUND_ALLOW_SETTING,
    });
  }
}

export class OutboundUnresolvedError extends EngineError {
  constructor(target: OutboundTarget, host: string, why: string) {
    super("BAD_REQUEST", `Could not reach ${target.what} ${target.shown}: the name ${host} does not resolve (${why}).`, { host });
  }
}

/** A response body over its cap: reading stopped there. */
export class OutboundTooLargeError extends EngineError {
  constructor(target: OutboundTarget, maxBytes: number) {
    super(
      "BAD_REQUEST",
      `The answer of ${target.what} ${target.shown} is larger than ${formatBytes(maxBytes)}, the most read; it was not used.`,
      {
        maxBytes,
      },
    );
  }
}

export class OutboundTimeoutError extends EngineError {
  constructor(target: OutboundTarget, timeoutMs: number) {
    super(
      "BAD_REQUEST",
      `${target.what} ${target.shown} did not answer within ${+(timeoutMs / 1000).toFixed(1)} s; the request was stopped.`,
      {
        timeoutMs,
      },
    );
  }
}

export class OutboundRedirectError extends EngineError {
  constructor(target: OutboundTarget, why: string) {
    super("BAD_REQUEST", `${target.what} ${target.shown} redirected the request, which was not followed: ${why}.`);
  }
}
