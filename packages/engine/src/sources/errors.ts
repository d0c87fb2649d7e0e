// Errors for getting an app's source onto disk. Messages are written for the person who
// uploaded or pushed the source; names from the archive or the URL are shown quoted and cut.
import { EngineError, ValidationError } from "../errors.ts";
import { formatBytes } from "./limits.ts";

/** A name from untrusted input, safe to put in a message: quoted, control characters escaped, cut. */
export function shown(name: string): string {
  const cut = name.length > 200 ? `${name.slice(0, 200)}…` : name;
  return JSON.stringify(cut);
}

/**
 * When a stream pipeline fails, several stages report at once. The engine's own error (a
 * limit, an unsafe entry) says what happened; then any real failure (corrupt data, a full
 * disk); "premature close" only says that another stage stopped first.
 */
export function mostTelling(...errors: unknown[]): unknown {
  const consequence = (e: unknown) => (e as { code?: unknown }).code === "ERR_STREAM_PREMATURE_CLOSE";
  return errors.find((e) => e instanceof EngineError) ?? errors.find((e) => e != null && !consequence(e)) ?? errors.find((e) => e != null);
}

export class NotAnArchiveError extends ValidationError {
  constructor(detail = "") {
    super(`The upload is not a .tar.gz, .tar or .zip archive${detail ? ` (${detail})` : ""}.`);
  }
}

export class CorruptArchiveError extends ValidationError {
  constructor(detail: string) {
    super(`The archive is damaged or truncated: ${detail}.`, { detail });
  }
}

/** One entry broke a safety rule; nothing from the archive (or the commit) was kept. */
export class UnsafeArchiveEntryError extends ValidationError {
  constructor(
    readonly entry: string,
    readonly reason: string,
    where: "archive" | "commit" = "archive",
  ) {
    super(
      `The ${where === "archive" ? "archive entry" : "path in the commit"} ${shown(entry)} was refused: ${reason}. Nothing was extracted.`,
      {
        entry,
        reason,
      },
    );
  }
}

export type ArchiveLimitName = "maxTotalBytes" | "maxEntries" | "maxFileBytes" | "maxRatio";

/** The archive (or a checked-out tree) crossed a size limit; reading stopped there. */
export class SourceTooLargeError extends ValidationError {
  constructor(
    readonly limit: ArchiveLimitName,
    message: string,
  ) {
    super(`${message} Nothing was extracted.`, { limit });
  }
}

/** The place the source should go already holds something; the caller must give a fresh directory. */
export class DestinationNotEmptyError extends EngineError {
  constructor(dir: string) {
    super("CONFLICT", `The directory ${shown(dir)} is not empty; source is only written into an empty or new directory.`);
  }
}

export class InvalidGitUrlError extends ValidationError {
  constructor(url: string, reason: string) {
    super(`${shown(url)} is not an accepted git URL: ${reason}.`, { reason });
  }
}

export class InvalidGitRefError extends ValidationError {
  constructor(ref: string, reason: string) {
    super(`${shown(ref)} is not a valid branch, tag or commit: ${reason}.`, { reason });
  }
}

export class GitRefNotFoundError extends EngineError {
  constructor(ref: string, url: string, why = "") {
    super("NOT_FOUND", `No branch, tag or commit ${shown(ref)} in ${url}${why ? ` (${why})` : ""}.`, { ref });
  }
}

/** git itself failed: the repository is unreachable, missing, or refused us. */
export class GitFetchError extends EngineError {
  constructor(url: string, gitMessage: string) {
    super("BAD_REQUEST", `Could not fetch ${url}: ${gitMessage || "git failed without a message"}`, { gitMessage });
  }
}

export class GitTimeoutError extends EngineError {
  constructor(url: string, timeoutMs: number) {
    super("BAD_REQUEST", `Fetching ${url} took longer than ${+(timeoutMs / 1000).toFixed(1)} s and was stopped.`, { timeoutMs });
  }
}

export class GitFetchCancelledError extends EngineError {
  constructor(url: string) {
    super("BAD_REQUEST", `Fetching ${url} was cancelled.`, { cancelled: true });
  }
}

/** git brought in more than a git source may (its history, packed): stopped there, nothing kept. */
export class GitFetchTooLargeError extends ValidationError {
  constructor(url: string, maxBytes: number) {
    super(`Fetching ${url} was stopped: git had received more than ${formatBytes(maxBytes)}, the most a git source may bring.`, {
      maxBytes,
    });
  }
}
