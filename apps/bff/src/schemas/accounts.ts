// Who uses the platform: log-in credentials, users, API tokens and teams.
import { API_TOKEN_SCOPES, TEAM_ROLES } from "@skypanel/db";
import { z } from "zod";

export const credentials = z.object({ email: z.string().max(254), password: z.string().max(1024) });
export const userCreateInput = z.object({
  email: z.string().max(254),
  password: z.string().max(1024),
  name: z.string().max(100).optional(),
  isAdmin: z.boolean().optional(),
});
export const tokenScopeSchema = z.enum(API_TOKEN_SCOPES).meta({
  description: "read: only reads; deploy: also builds, deploys, rollbacks, scaling, restarts and config; admin: everything you may do.",
});
export const tokenCreateInput = z.object({
  name: z.string().max(100),
  expiresInDays: z.number().int().nullish(),
  scope: tokenScopeSchema.optional().meta({ description: "What the token may do; `read` when left out." }),
});
export const tokenRevokeInput = z.object({ id: z.string().max(64) });
export const teamCreateInput = z.object({ name: z.string().max(100) });

export const publicUserSchema = z
  .strictObject({ id: z.uuid(), email: z.string(), name: z.string().nullable(), isAdmin: z.boolean() })
  .meta({ id: "User" });
export const listedUserSchema = publicUserSchema.extend({ createdAt: z.date() }).strict();

/** A log-in: the Bearer token (also set as the session cookie) and who it is for. */
export const loginSchema = z.strictObject({ token: z.string(), user: publicUserSchema });
export const sessionSchema = z.strictObject({
  needsSetup: z.boolean().meta({ description: "True until the platform's first admin exists." }),
  user: z.union([publicUserSchema, z.null()]),
  csrfToken: z.string().nullable().meta({ description: "Echo it in x-csrf-token on changes made with the session cookie." }),
  mfaEnrolmentRequiredBy: z
    .string()
    .nullable()
    .meta({ description: "A team that requires MFA of this user, who has not enrolled: every other call is refused until they do." }),
});
export const okSchema = z.strictObject({ ok: z.boolean() });

export const apiTokenSchema = z
  .strictObject({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().meta({ description: "The token's first characters, to tell tokens apart." }),
    scope: tokenScopeSchema,
    createdAt: z.date(),
    lastUsedAt: z.date().nullable(),
    expiresAt: z.date().nullable(),
  })
  .meta({ id: "ApiToken" });
/** The raw token is in this answer only; it is stored hashed. */
export const newApiTokenSchema = apiTokenSchema.omit({ lastUsedAt: true }).extend({ token: z.string() }).strict();
export const revokedTokenSchema = z.strictObject({ id: z.string() });

export const teamSchema = z
  .strictObject({
    id: z.uuid(),
    name: z.string(),
    personal: z.boolean(),
    mfaRequired: z.boolean().meta({ description: "Members must sign in with a second factor." }),
    role: z.enum(TEAM_ROLES),
    createdAt: z.date(),
  })
  .meta({ id: "Team" });
