// The engine a build benchmark drives: in this process, on embedded PGlite in a fresh home, with
// real Nix and the registries this machine's environment names; one user and the app `bench-app`.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@skypanel/db";
import { buildNetwork, createEngine } from "@skypanel/engine";
import { uploadDir, waitForBuild } from "@skypanel/engine/build-testing";

/** `what` names the app in a failed build's error. */
export async function benchBuildEngine(what: string) {
  const home = mkdtempSync(join(tmpdir(), "skypanel-bench-home-"));
  const conn = await openDatabase({ pgliteDir: join(home, "pgdata") });
  const engine = await createEngine({ db: conn.db, sql: conn.sql, home, builds: { concurrency: 1, network: buildNetwork(process.env) } });
  await engine.start();
  const root = { userId: "00000000-0000-0000-0000-000000000000", isAdmin: true };
  const user = await engine.users.create(root, { email: "bench@example.com", password: "bench-password" });
  const actor = { userId: user.id, isAdmin: false };
  await engine.apps.create(actor, { name: "bench-app" });
  return {
    home,
    engine,
    actor,
    /**
     * Uploads `src` as the app's next build and waits for it. `ms`: wall clock from packing the
     * upload to seeing the build succeeded, as a client would. `serverMs`: from the upload having
     * arrived (the archive complete in the uploads folder, as the API leaves it) to the engine's
     * `build.updated` succeeded event, both read in this process, so no polling is in it.
     */
    async build(src: string) {
      const t = performance.now();
      const upload = uploadDir(home, src);
      const arrived = performance.now();
      let finished = 0;
      let id = "";
      const unsubscribe = engine.bus.subscribe((e) => {
        if (e.type === "build.updated" && e.buildId === id && e.status === "succeeded") finished = performance.now();
      });
      try {
        id = (await engine.builds.create(actor, "bench-app", upload)).id;
        const b = await waitForBuild(engine, actor, "bench-app", id);
        if (b.status !== "succeeded") throw new Error(`bench build of ${what} failed: ${b.error}`);
        return { ms: performance.now() - t, serverMs: finished - arrived, build: b };
      } finally {
        unsubscribe();
      }
    },
    async close() {
      await engine.stop();
      await conn.close();
    },
  };
}
