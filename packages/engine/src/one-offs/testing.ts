// For one-off tests: an app whose current release is an artifact added to the Nix store (not
// built), with a config var, and no process that the reconciler would start.
import type { Actor } from "../actor.ts";
import type { TestEngine } from "../testing.ts";

export async function appWithRelease(t: Pick<TestEngine, "engine" | "release">, owner: Actor, name: string, storePath: string) {
  const app = await t.engine.apps.create(owner, { name });
  await t.engine.config.set(owner, name, { GREETING: `hello from ${name}` });
  await t.release(owner, app.id, { console: "sleep 1" }, storePath);
  return app;
}
