// `npm run migrate -w @skypanel/db -- up|down [--to N]|status`. Exits non-zero on any failure.
import { resolve } from "node:path";
import { dbOptionsFromEnv, openDatabase } from "./client.ts";
import { migrateDown, migrateUp, migrationStatus } from "./migrate.ts";

const [command = "up", ...rest] = process.argv.slice(2);
// npm runs workspace scripts in the workspace folder; INIT_CWD is where the user ran npm.
const home = resolve(process.env.INIT_CWD ?? process.cwd(), process.env.SKYPANEL_HOME ?? ".skypanel");
const conn = await openDatabase(dbOptionsFromEnv(process.env, home)).catch((err: Error) => {
  console.error(`migrate ${command} failed: ${err.message}`);
  process.exit(1);
});
try {
  if (command === "up") {
    const ran = await migrateUp(conn.sql);
    console.log(ran.length ? `applied ${ran.join(", ")} on ${conn.location}` : `up to date (${conn.location})`);
  } else if (command === "down") {
    const i = rest.indexOf("--to");
    const target = i >= 0 ? Number(rest[i + 1]) : Number.NaN;
    if (!Number.isInteger(target) || target < 0) throw new Error("down needs --to <version> (0 reverts everything)");
    const reverted = await migrateDown(conn.sql, target);
    console.log(reverted.length ? `reverted ${reverted.join(", ")}` : "nothing to revert");
  } else if (command === "status") {
    for (const m of await migrationStatus(conn.sql)) console.log(`${m.applied ? "applied" : "pending"}  ${m.name}`);
  } else {
    throw new Error(`unknown command "${command}"; use up, down --to N, or status`);
  }
  await conn.close();
} catch (err) {
  console.error(`migrate ${command} failed: ${(err as Error).message}`);
  await conn.close().catch(() => {});
  process.exit(1);
}
