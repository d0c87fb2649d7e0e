// Why a platform backup could not be made or restored. Each says what to do; a refused restore
// has written nothing into the new home, its database, the Nix store or the add-on servers.
import { EngineError, ValidationError } from "../errors.ts";

/** Not a platform backup, truncated, changed, or not what its manifest says. */
export class DamagedBackupError extends ValidationError {
  constructor(why: string) {
    super(`The platform backup is damaged or was changed: ${why}. Nothing was restored.`);
  }
}

export class WrongBackupPassphraseError extends ValidationError {
  constructor() {
    super("The passphrase does not open this backup's key files (or they were changed). Nothing was restored.");
  }
}

/** The restore's target already holds a platform: a restore only fills a fresh home and an empty database. */
export class RestoreTargetInUseError extends EngineError {
  constructor(why: string) {
    super("CONFLICT", `Restore needs a fresh SKYPANEL_HOME and an empty control database: ${why}. Nothing was restored.`);
  }
}

/** A setting the backup needs is missing (no passphrase, no destination). */
export class BackupNotConfiguredError extends EngineError {
  constructor(message: string) {
    super("PRECONDITION_FAILED", message);
  }
}
