// Backing up and restoring the whole platform: the control database, the key files (wrapped under
// a passphrase or Vault), every current release's Nix closure, and the PostgreSQL add-ons' data.
export { readBackupArchive, writeBackupArchive } from "./archive.ts";
export type { ControlDbSource, ControlDbTarget } from "./control-db.ts";
export { type BackupProgress, createPlatformBackup } from "./create.ts";
export type { BackupDestinations, BackupS3Settings, DestinationKind } from "./destinations.ts";
export { BackupNotConfiguredError, DamagedBackupError, RestoreTargetInUseError, WrongBackupPassphraseError } from "./errors.ts";
export { BACKUP_FORMAT, BACKUP_VERSION, type BackupManifest } from "./manifest.ts";
export { type RestoreInput, type RestoreSummary, restorePlatformBackup } from "./restore.ts";
export { checkBackupSchedule, createPlatformBackups, type PlatformBackupSettings, type PlatformBackups } from "./service.ts";
