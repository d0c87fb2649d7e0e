import { getTableConfig, type PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "./schema/index.ts";
import { createTestDatabase, TEST_DRIVERS, type TestDatabase } from "./testing.ts";

const tables = (Object.values(schema) as unknown[]).filter(
  (v): v is PgTable => typeof v === "object" && v !== null && Symbol.for("drizzle:IsDrizzleTable") in v,
);

// The drizzle schema is what the code queries; the SQL migrations are what the database has.
// This keeps the two from drifting apart.
describe.each(TEST_DRIVERS)("drizzle schema matches the migrated database on %s", (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(driver);
  });
  afterAll(async () => {
    await t.drop();
  });

  it("has a table in the migrations for every drizzle table, column for column", async () => {
    expect(tables.length).toBe(52);
    const rows = await t.sql.query<{ table_name: string; column_name: string; udt_name: string; is_nullable: string }>(
      `SELECT c.table_name, c.column_name, c.udt_name, c.is_nullable FROM information_schema.columns c
       JOIN pg_class k ON k.relname = c.table_name AND k.relnamespace = 'public'::regnamespace
       WHERE c.table_schema = 'public' AND c.table_name <> 'skypanel_migrations' AND NOT k.relispartition`,
    );
    const inDb = new Map<string, string[]>();
    for (const r of rows) {
      const list = inDb.get(r.table_name) ?? [];
      list.push(`${r.column_name} ${r.udt_name}${r.is_nullable === "NO" ? " not null" : ""}`);
      inDb.set(r.table_name, list);
    }
    const udt: Record<string, string> = {
      uuid: "uuid",
      text: "text",
      boolean: "bool",
      integer: "int4",
      smallint: "int2",
      bigint: "int8",
      bigserial: "int8",
      jsonb: "jsonb",
      "double precision": "float8",
      bytea: "bytea",
      "timestamp with time zone": "timestamptz",
    };
    for (const table of tables) {
      const config = getTableConfig(table);
      const expected = config.columns
        .map((c) => `${c.name} ${udt[c.getSQLType()] ?? c.getSQLType()}${c.notNull ? " not null" : ""}`)
        .sort();
      expect({ table: config.name, columns: (inDb.get(config.name) ?? []).sort() }).toEqual({ table: config.name, columns: expected });
    }
    expect([...inDb.keys()].sort()).toEqual(tables.map((t) => getTableConfig(t).name).sort());
  });
});
