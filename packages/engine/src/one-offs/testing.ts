// For one-off tests: an app whose current release is an artifact added to the Nix store (not
// built), with a config var, and no process that the reconciler would start.
import { withActor } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { TestEngine } from "../testing.ts";

export async function appWithRelease(t: Pick<TestEngine, "engine" | "database">, owner: Actor, name: string, storePath: string) {
  const app = await t.engine.apps.create(owner, { name });
  await t.engine.config.set(owner, name, { GREETING: `hello from ${name}` });
  // PGlite has one connection: no query outside the transaction while it is open.
  const [build] = await t.database.sql.query<{ id: string }>(
    `INSERT INTO builds (app_id, number, status, source_type, store_path, plan) VALUES ($1, 1, 'succeeded', 'archive', $2, $3) RETURNING id`,
    [app.id, storePath, JSON.stringify({ processes: { console: "sleep 1" } })],
  );
  const release = await withActor(t.database.db, owner, (tx) => t.engine.releases.fromBuild(tx, owner, app.id, build?.id ?? ""));
  await t.database.sql.query("UPDATE applications SET current_release_id = $1 WHERE id = $2", [release.id, app.id]);
  return app;
}
