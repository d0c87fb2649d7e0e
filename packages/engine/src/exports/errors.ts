// Why an export archive, or its sealed config, was refused. Every one is a ValidationError with a
// message for the person who uploaded the archive; a refused archive leaves nothing behind.
import { ValidationError } from "../errors.ts";

export class WrongPassphraseError extends ValidationError {
  constructor() {
    super("The passphrase does not open this export's config (or the archive was changed).");
  }
}

/** The sealed config is not something this platform can open at all, whatever the passphrase. */
export class UnreadableSealError extends ValidationError {
  constructor(why: string) {
    super(`This export's config cannot be opened: ${why}.`);
  }
}

export class InvalidManifestError extends ValidationError {}

/** Not a gzip, not a tar inside, or no manifest: not an export at all. */
export class NotAnExportError extends ValidationError {
  constructor(why: string) {
    super(`This file is not a SkyPanel export: ${why}.`);
  }
}

/** Corrupt, truncated, or not what its manifest says. */
export class DamagedExportError extends ValidationError {
  constructor(why: string) {
    super(`The archive is damaged: ${why}.`);
  }
}

/** A member, or the whole, is larger than this platform accepts; reading stopped there. */
export class ExportTooLargeError extends ValidationError {}

/** A member with a name, or of a type, that no export has: a path elsewhere, a link, a directory. */
export class ForeignMemberError extends ValidationError {
  constructor(shownName: string, why = "which is not part of a SkyPanel export") {
    super(`The archive holds ${shownName}, ${why}. Nothing from it was kept.`);
  }
}
