// @ts-check
// The CLI's error kinds: main.js turns each into a message on stderr and an exit status.

/** A mistake in how the command was typed: exit status 2, like other Unix tools. */
export class UsageError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "UsageError";
  }
}

/** The API answered with its error shape `{ error: { code, message } }`. */
export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {number} status
   * @param {string} code
   * @param {Record<string, unknown>} [details]
   */
  constructor(message, status, code, details) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Anything else the user should read as one line (a failed build, an unreachable server). */
export class CliError extends Error {
  /**
   * @param {string} message
   * @param {number} [exitCode]
   */
  constructor(message, exitCode = 1) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}
