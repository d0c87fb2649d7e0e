// PostgreSQL add-ons: a database and a login role of the same name on the operator's server,
// the role owning the database and the only one (besides superusers) allowed to connect to it.
import { randomBytes } from "node:crypto";
import postgres from "postgres";

export const POSTGRES_PLANS = { hobby: { connectionLimit: 5 }, standard: { connectionLimit: 20 } } as const;
export type PostgresPlan = keyof typeof POSTGRES_PLANS;

// Names come from add-on ids, never from users; checked again here because they go into SQL text.
const SAFE_NAME = /^addon_[0-9a-f]{32}$/;
const ident = (name: string) => {
  if (!SAFE_NAME.test(name)) throw new Error(`unsafe add-on name ${JSON.stringify(name)}`);
  return `"${name.replaceAll('"', '""')}"`;
};

async function withAdmin<T>(adminUrl: string, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    return await run(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Creates the role and database; returns the URL the app connects with. Leaves nothing behind on
 * failure. `password` is given when a platform restore makes the add-on again with its recorded login.
 */
export async function createPostgresAddon(
  adminUrl: string,
  name: string,
  plan: PostgresPlan,
  password = randomBytes(24).toString("hex"),
): Promise<string> {
  if (!/^[0-9a-f]{16,128}$/.test(password)) throw new Error("an add-on password is hex");
  const { connectionLimit } = POSTGRES_PLANS[plan];
  await withAdmin(adminUrl, async (sql) => {
    try {
      // CREATE ROLE takes no bind parameters; the password is hex, so it cannot leave its literal.
      await sql.unsafe(
        `CREATE ROLE ${ident(name)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION CONNECTION LIMIT ${connectionLimit} PASSWORD '${password}'`,
      );
      // A CREATEROLE admin that is not a superuser (the platform's own role on this machine's
      // server) may give a database to a role only once it is a member of that role.
      await sql.unsafe(`GRANT ${ident(name)} TO CURRENT_USER`);
      await sql.unsafe(`CREATE DATABASE ${ident(name)} OWNER ${ident(name)} CONNECTION LIMIT ${connectionLimit}`);
      await sql.unsafe(`REVOKE ALL ON DATABASE ${ident(name)} FROM PUBLIC`);
    } catch (err) {
      await dropObjects(sql, name);
      throw err;
    }
  });
  const server = new URL(adminUrl);
  const url = new URL(`postgres://${server.host}/${name}`);
  url.username = name;
  url.password = password;
  const sslmode = server.searchParams.get("sslmode");
  if (sslmode) url.searchParams.set("sslmode", sslmode);
  return url.toString();
}

async function dropObjects(sql: postgres.Sql, name: string) {
  // FORCE ends the app's open sessions, which would otherwise keep the database alive.
  await sql.unsafe(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
  await sql.unsafe(`DROP ROLE IF EXISTS ${ident(name)}`);
}

export async function dropPostgresAddon(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, (sql) => dropObjects(sql, name));
}
