// Whole-app exports: the archive format another platform imports (manifest, sealed config,
// the build's Nix closure, add-on dumps). The export and import services build on these.
export {
  type ExportArchiveContents,
  type ExportArchiveInput,
  readExportArchive,
  writeExportArchive,
} from "./archive.ts";
export { exportClosure, exportClosures, importClosure, importClosureFor } from "./closure.ts";
export {
  DamagedExportError,
  ExportTooLargeError,
  ForeignMemberError,
  InvalidManifestError,
  NotAnExportError,
  UnreadableSealError,
  WrongPassphraseError,
} from "./errors.ts";
export { DEFAULT_EXPORT_LIMITS, type ExportLimits } from "./limits.ts";
export {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportManifest,
  type ExportManifestDraft,
  MANIFEST_LIMITS,
  parseExportManifest,
} from "./manifest.ts";
export { ARTIFACT_MEMBER, CONFIG_MEMBER, dumpMember, MANIFEST_MEMBER, type MemberDigest } from "./members.ts";
export { checkPassphrase, DEFAULT_KDF, type KdfParams, openWithPassphrase, PASSPHRASE_RULE, sealWithPassphrase } from "./seal.ts";
