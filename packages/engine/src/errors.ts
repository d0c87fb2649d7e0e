// Typed errors the engine throws. Each carries a `code`; the BFF maps codes to HTTP and tRPC
// statuses in one place (apps/bff/src/errors.ts). The message is written for the user.

export type ErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "TOO_MANY_REQUESTS"
  | "PRECONDITION_FAILED";

export class EngineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra facts for clients, e.g. `retryAfterSeconds`. Never secrets. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends EngineError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("BAD_REQUEST", message, details);
  }
}

export class InvalidAppNameError extends ValidationError {}
export class InvalidConfigKeyError extends ValidationError {}

export class AppNotFoundError extends EngineError {
  // Kept (never sent) so a refusal of another team's app can be audited: bff/refusals.ts.
  constructor(readonly idOrName: string) {
    super("NOT_FOUND", `No app named or with id "${idOrName}" is visible to you.`);
  }
}

export class TeamNotFoundError extends EngineError {
  constructor(id: string) {
    super("NOT_FOUND", `No team with id "${id}" is visible to you.`);
  }
}

export class UserNotFoundError extends EngineError {
  constructor(what: string) {
    super("NOT_FOUND", `No user ${what}.`);
  }
}

export class AppNameTakenError extends EngineError {
  constructor(name: string) {
    super("CONFLICT", `The name "${name}" is already taken by another app. Choose another name.`);
  }
}

export class InvalidDomainError extends ValidationError {}

export class DomainTakenError extends EngineError {
  constructor(hostname: string, mine: boolean) {
    super(
      "CONFLICT",
      mine
        ? `${hostname} is already a domain of this app.`
        : `${hostname} is already used by another app; a domain can belong to one app only.`,
    );
  }
}

export class DomainNotFoundError extends EngineError {
  constructor(hostname: string) {
    super("NOT_FOUND", `This app has no domain "${hostname}".`);
  }
}

export class EmailTakenError extends EngineError {
  constructor(email: string) {
    super("CONFLICT", `A user with the email "${email}" already exists.`);
  }
}

export class InvalidCredentialsError extends EngineError {
  constructor() {
    super("UNAUTHORIZED", "Wrong email or password.");
  }
}

export class NotAuthenticatedError extends EngineError {
  constructor(message = "Log in first: this needs a session or an API token.") {
    super("UNAUTHORIZED", message);
  }
}

export class ForbiddenError extends EngineError {
  constructor(message: string) {
    super("FORBIDDEN", message);
  }
}

export class RateLimitedError extends EngineError {
  constructor(retryAfterSeconds: number) {
    super("TOO_MANY_REQUESTS", `Too many attempts. Try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
  }
}

export class SetupDoneError extends EngineError {
  constructor() {
    super("PRECONDITION_FAILED", "This platform already has users; log in instead.");
  }
}

export class AddonNotFoundError extends EngineError {
  constructor(id: string) {
    super("NOT_FOUND", `This app has no add-on "${id}".`);
  }
}

export class AddonServerMissingError extends EngineError {
  constructor(type: string, setting: string) {
    super("PRECONDITION_FAILED", `No ${type} server is registered for add-ons: the operator sets ${setting} first.`, { setting });
  }
}

export class ConfigVarTakenError extends EngineError {
  constructor(key: string, appName: string) {
    super("CONFLICT", `${appName} already has a config var ${key}; attach the add-on under another name with "as".`, { key });
  }
}
