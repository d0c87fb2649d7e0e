import { count, eq, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import { users } from "../schema/index.ts";

export async function countUsers(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users);
  return row?.n ?? 0;
}

export async function findUserByEmail(db: Database, email: string) {
  const [row] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
  return row ?? null;
}

export async function findUserById(db: Database, id: string) {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row ?? null;
}

export async function insertUser(db: Database, values: { email: string; name?: string | null; passwordHash: string; isAdmin: boolean }) {
  const [row] = await db.insert(users).values(values).returning();
  if (!row) throw new Error("insert into users returned nothing");
  return row;
}

export async function listUsers(db: Database) {
  return db
    .select({ id: users.id, email: users.email, name: users.name, isAdmin: users.isAdmin, createdAt: users.createdAt })
    .from(users)
    .orderBy(users.email);
}

/** Serialises first-start set-up so two racing requests cannot both create "the first" admin. */
export async function lockUserSetup(db: Database) {
  await db.execute(sql`select pg_advisory_xact_lock(7317002)`);
}
