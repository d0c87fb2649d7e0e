// A real platform for CLI tests: the BFF over an engine on PGlite, a first admin, an admin-scoped
// API token and one app, with the environment the CLI reads (its URL and the token).
import { createTestBff, type TestBff } from "../../../../apps/bff/src/testing.ts";

export interface CliPlatform {
  t: TestBff;
  /** The first admin's session token, for calls the test makes itself. */
  session: string;
  /** The app's REST representation (its id and name). */
  app: { id: string; name: string };
  env: NodeJS.ProcessEnv;
}

export async function startCliPlatform(o: { tokenName: string; app: string }): Promise<CliPlatform> {
  const t = await createTestBff("pglite");
  await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
  const session = await t.login("ops@example.com");
  const token = (await t.rest("POST", "/api/tokens", { token: session, body: { name: o.tokenName, scope: "admin" } })).body.token;
  const app = (await t.rest("POST", "/api/apps", { token: session, body: { name: o.app } })).body;
  return { t, session, app, env: { SKYPANEL_URL: await t.listen(), SKYPANEL_API_KEY: token } };
}
