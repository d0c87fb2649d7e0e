import { desc, eq } from "drizzle-orm";
import type { Database } from "../client.ts";
import { type Import, imports } from "../schema/index.ts";

export async function insertImport(db: Database, values: Omit<typeof imports.$inferInsert, "id">): Promise<Import> {
  const [row] = await db.insert(imports).values(values).returning();
  if (!row) throw new Error("insert into imports returned nothing");
  return row;
}

export async function updateImport(db: Database, id: string, values: Partial<Omit<Import, "id" | "kind" | "createdAt">>) {
  const [row] = await db.update(imports).set(values).where(eq(imports.id, id)).returning();
  return row ?? null;
}

export async function findImport(db: Database, id: string): Promise<Import | null> {
  const [row] = await db.select().from(imports).where(eq(imports.id, id));
  return row ?? null;
}

/** The imports a user started, newest first. */
export async function listImportsBy(db: Database, userId: string, limit: number): Promise<Import[]> {
  return db.select().from(imports).where(eq(imports.createdBy, userId)).orderBy(desc(imports.createdAt)).limit(limit);
}
