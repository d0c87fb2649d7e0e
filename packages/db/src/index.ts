export * from "./client.ts";
export * from "./ha.ts";
export * from "./migrate.ts";
export * from "./pglite-data-dir.ts";
export * as schema from "./schema/index.ts";
export * from "./schema/index.ts";
