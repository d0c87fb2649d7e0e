// REST for whole-platform backups (platform admins). Restoring is offline, before a platform
// starts on the new machine: `npm run restore` (README, "Backup and restore").
import { createReadStream, statSync } from "node:fs";
import { basename } from "node:path";
import { Readable } from "node:stream";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createPlatformBackupInput, platformBackupListSchema, platformBackupSchema } from "../schemas/platform-backups.ts";
import { operation } from "./operation.ts";

const idParams = z.object({ id: z.string().min(1).max(100).meta({ description: "The backup's id." }) });

export const platformBackupOperations = [
  operation({
    id: "listPlatformBackups",
    method: "get",
    path: "/api/platform/backups",
    tag: "admin",
    summary: "List the platform's backups",
    status: 200,
    response: platformBackupListSchema,
    answers: "The backups, newest first, with status, size and location.",
    errors: [403],
    handle: ({ caller }) => caller.platformBackups.list(),
  }),
  operation({
    id: "createPlatformBackup",
    method: "post",
    path: "/api/platform/backups",
    tag: "admin",
    summary: "Back up the platform now",
    description:
      "One archive of the control database, the key files (wrapped under SKYPANEL_BACKUP_PASSPHRASE, or Vault's), the Nix closures of every app's current release and each PostgreSQL add-on's pg_dump, written to the backup folder or bucket. Runs on after the answer; follow it with GET /api/platform/backups/{id}.",
    body: createPlatformBackupInput,
    bodyOptional: true,
    status: 202,
    response: platformBackupSchema,
    answers: "The backup, running.",
    errors: [403, 409, 412],
    handle: ({ caller, body }) => caller.platformBackups.create(body),
  }),
  operation({
    id: "getPlatformBackup",
    method: "get",
    path: "/api/platform/backups/{id}",
    tag: "admin",
    summary: "One platform backup",
    params: idParams,
    status: 200,
    response: platformBackupSchema,
    answers: "The backup: its status, step, size, SHA-256 and location.",
    errors: [403, 404],
    handle: ({ caller, params }) => caller.platformBackups.get({ id: params.id }),
  }),
  operation({
    id: "downloadPlatformBackup",
    method: "get",
    path: "/api/platform/backups/{id}/archive",
    tag: "admin",
    summary: "Download a platform backup's archive",
    description: "Only for a finished backup kept in the backup folder; one in the bucket is fetched from the bucket.",
    params: idParams,
    status: 200,
    answers: "The archive (a tar).",
    alsoAnswers: { "application/x-tar": z.string().meta({ format: "binary" }) },
    errors: [403, 404],
    handle: async ({ caller, ctx, params }) => {
      await caller.platformBackups.get({ id: params.id });
      const file = await ctx.engine.platformBackups.archiveFile({ userId: "", isAdmin: true }, params.id);
      if (!file) throw new TRPCError({ code: "NOT_FOUND", message: "This backup has no archive in the backup folder to download." });
      const stream = createReadStream(file);
      return new Response(Readable.toWeb(stream) as ReadableStream, {
        status: 200,
        headers: {
          "content-type": "application/x-tar",
          "content-length": String(statSync(file).size),
          "content-disposition": `attachment; filename="${basename(file).replace(/[^\w.@+-]/g, "_")}"`,
          "cache-control": "no-store",
        },
      });
    },
  }),
];
