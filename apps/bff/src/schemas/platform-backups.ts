// Whole-platform backups (platform admins): the list, one backup, "back up now".
import { PLATFORM_BACKUP_DESTINATIONS, platformBackups } from "@skypanel/db";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";

export const platformBackupSchema = createSelectSchema(platformBackups).strict().meta({ id: "PlatformBackup" });

export const platformBackupListSchema = z.strictObject({
  backups: z.array(platformBackupSchema),
  configured: z.boolean().meta({ description: "Whether backups can be taken here (a destination and a passphrase or Vault are set)." }),
});

export const platformBackupInput = z.object({ id: z.string().min(1).max(100) });

export const createPlatformBackupInput = z.object({
  to: z
    .enum(PLATFORM_BACKUP_DESTINATIONS)
    .optional()
    .meta({ description: "dir: SKYPANEL_BACKUP_DIR; s3: the SKYPANEL_BACKUP_S3_* bucket. Default: the bucket when set, else the folder." }),
});
