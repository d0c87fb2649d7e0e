// Releases: a build plus a config snapshot, numbered v1, v2, …
import { releases } from "@skypanel/db";
import { createSelectSchema } from "drizzle-zod";
import { z } from "zod";
import { appRef } from "./common.ts";

/** A release by id or version number. */
export const releaseRef = z.union([z.string().max(64), z.number().int()]);
export const releaseGetInput = z.object({ app: appRef, release: releaseRef });

/** Config var keys with their sealed values (ciphertext, never plaintext) as they were at release time. */
export const configSnapshotSchema = z.strictObject({
  vars: z.record(z.string(), z.strictObject({ ciphertext: z.string(), nonce: z.string(), keyId: z.string() })),
});

export const releaseSchema = createSelectSchema(releases, {
  configSnapshot: configSnapshotSchema,
  processes: z.record(z.string(), z.string()),
})
  .strict()
  .meta({ id: "Release" });
