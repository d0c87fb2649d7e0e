import {
  countUsers,
  findUserByEmail,
  insertMembership,
  insertTeam,
  insertUser,
  listUsers,
  lockUserSetup,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import { checkPasswordRule, hashPassword } from "../auth/passwords.ts";
import type { EngineDeps } from "../deps.ts";
import { EmailTakenError, ForbiddenError, ValidationError } from "../errors.ts";

export interface NewUser {
  email: string;
  password: string;
  name?: string | null;
  isAdmin?: boolean;
}

export interface PublicUser {
  id: string;
  email: string;
  name: string | null;
  isAdmin: boolean;
}

const EMAIL = /^[^@\s]+@[^@\s]+$/;

export function toPublicUser(u: PublicUser): PublicUser {
  return { id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin };
}

export function createUsers(deps: EngineDeps) {
  /** Inserts the user and their personal team, as `actorId` (null for first-start set-up). */
  async function insertWithTeam(
    input: NewUser,
    actor: { userId: string | null; ip?: string | null },
    onlyIfFirst = false,
  ): Promise<PublicUser | null> {
    const email = input.email.trim();
    if (!EMAIL.test(email) || email.length > 254) throw new ValidationError(`"${input.email}" is not an email address.`);
    checkPasswordRule(input.password);
    const name = input.name?.trim() || null;
    if (name && name.length > 100) throw new ValidationError("A name is at most 100 characters.");
    const passwordHash = await hashPassword(input.password);
    return withActor(deps.db, actor, async (tx) => {
      if (onlyIfFirst) {
        await lockUserSetup(tx);
        if ((await countUsers(tx)) > 0) return null;
      }
      if (await findUserByEmail(tx, email)) throw new EmailTakenError(email);
      const user = await insertUser(tx, { email, name, passwordHash, isAdmin: input.isAdmin ?? false });
      const team = await insertTeam(tx, { name: email, personal: true });
      await insertMembership(tx, { teamId: team.id, userId: user.id, role: "owner" });
      return toPublicUser(user);
    });
  }

  return {
    /** A platform admin adds a user (who gets a personal team). */
    async create(actor: Actor, input: NewUser): Promise<PublicUser> {
      if (!actor.isAdmin) throw new ForbiddenError("Only a platform admin can add users.");
      return (await insertWithTeam(input, actor)) as PublicUser;
    },

    async list(actor: Actor) {
      if (!actor.isAdmin) throw new ForbiddenError("Only a platform admin can list users.");
      return listUsers(deps.db);
    },

    async count() {
      return countUsers(deps.db);
    },

    /**
     * The first user, made an admin. Only while there are no users at all; used by the
     * dashboard's set-up page and by SKYPANEL_ADMIN_EMAIL/PASSWORD at first start.
     * Returns null when users already exist.
     */
    async createFirstAdmin(input: Omit<NewUser, "isAdmin">, ip?: string | null): Promise<PublicUser | null> {
      if ((await countUsers(deps.db)) > 0) return null;
      return insertWithTeam({ ...input, isAdmin: true }, { userId: null, ip }, true);
    },
  };
}

export type Users = ReturnType<typeof createUsers>;
