// A platform backup's manifest.json: the archive's first member, so a reader knows what must
// follow (and each part's size and SHA-256) before it writes anything.
import { z } from "zod";

export const BACKUP_FORMAT = "skypanel-platform-backup";
export const BACKUP_VERSION = 1;

export const MANIFEST_MEMBER = "manifest.json";
/** The members a backup may hold, by exact name; nothing else is ever extracted. */
export const MEMBER_NAME =
  /^(control-db\.(pgdump|pglite\.tar\.gz)|keys\.(sealed|vault\.json)|closures\.nixexport|addons\/[0-9a-f-]{36}\.pgdump)$/;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const storePath = z.string().regex(/^\/nix\/store\/[0-9a-z]{32}-[^/\s]+$/);
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

export const backupManifestSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  createdAt: z.string().datetime(),
  platform: z.strictObject({ version: z.string().max(100) }),
  controlDb: z.strictObject({ driver: z.enum(["pglite", "postgres"]), member: z.string().regex(MEMBER_NAME) }),
  /** passphrase: scrypt + AES-256-GCM (exports/seal.ts); vault: Vault's wrapped key files, as they are. */
  keys: z.strictObject({ wrapping: z.enum(["passphrase", "vault"]), member: z.string().regex(MEMBER_NAME) }),
  /** Every app's current release and its build, whose closures `closures.nixexport` holds. */
  releases: z.array(z.strictObject({ app: z.string().max(100), releaseId: uuid, buildId: uuid.nullable(), storePath })).max(100_000),
  closures: z.strictObject({ member: z.string().regex(MEMBER_NAME), paths: z.number().int().min(0) }).nullable(),
  addons: z
    .array(
      z.strictObject({
        id: uuid,
        app: z.string().max(100),
        type: z.enum(["postgresql", "redis"]),
        resource: z.string().regex(/^addon_[0-9a-f]{32}$/),
        /** The pg_dump, or null with why (Redis: not included). */
        member: z.string().regex(MEMBER_NAME).nullable(),
        note: z.string().max(500).nullable(),
      }),
    )
    .max(100_000),
  members: z.record(z.string().regex(MEMBER_NAME), z.strictObject({ bytes: z.number().int().min(0), sha256 })),
});

export type BackupManifest = z.infer<typeof backupManifestSchema>;
export type BackupManifestDraft = Omit<BackupManifest, "members">;
