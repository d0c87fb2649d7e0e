// The review-app test, for real: a pull request's webhook (signed) makes a review app
// from a local git repository (its clone URL; allowLocalGit), built with Nix from app.json, run
// in systemd-nspawn behind Caddy, its PostgreSQL add-on made on the test server and its
// postdeploy run once; synchronize deploys the new head as a new release; closed destroys it
// with its add-on. Every request through Caddy is counted.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TEST_PG_ADMIN_URL } from "@skypanel/db/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../actor.ts";
import { buildNetwork } from "../../builds/index.ts";
import { FIXTURES } from "../../builds/testing.ts";
import type { Engine } from "../../engine.ts";
import { loopbackOutboundPolicy } from "../../net/index.ts";
import { freePort, httpGet } from "../../router/testing.ts";
import { makeRepo } from "../../sources/test-git.ts";
import { createTestEngine, type TestEngine } from "../../testing.ts";
import type { ReviewAppView } from "./types.ts";
import { sign } from "./webhook.ts";

const REQUESTS = 10;
const APP = "rvw-pr-1";

describe("review apps from a pull request's webhook (nspawn, Caddy, real Nix, a PostgreSQL add-on; PGlite)", { timeout: 600_000 }, () => {
  let t: TestEngine;
  let engine: Engine;
  let alice: Actor;
  let httpPort: number;
  let secret = "";
  const work = mkdtempSync(join(tmpdir(), "skypanel-review-run-"));
  const repo = makeRepo(join(work, "repo"), work);
  const admin = postgres(TEST_PG_ADMIN_URL, { max: 1, onnotice: () => {} });
  let addonDbsBefore: string[] = [];

  const get = (path = "/") => httpGet({ port: httpPort, host: `${APP}.localhost`, path });
  const statuses = async () => {
    const all: { status: number; body: string }[] = [];
    for (let i = 0; i < REQUESTS; i++) all.push(await get());
    return all;
  };
  const addonDatabases = async () =>
    (await admin<{ datname: string }[]>`SELECT datname FROM pg_database WHERE datname LIKE 'addon_%' ORDER BY 1`).map((r) => r.datname);
  const pullRequest = (action: string, sha: string) => {
    const body = JSON.stringify({
      action,
      number: 1,
      pull_request: { number: 1, head: { ref: "feature/notes", sha, repo: { clone_url: repo.dir } } },
    });
    return engine.reviewApps.webhook("rvw", { event: "pull_request", signature: sign(secret, body), body: Buffer.from(body) });
  };
  /** Waits (bounded) until the review app leaves creating/deploying, then returns it. */
  const settled = async (timeoutMs = 420_000): Promise<ReviewAppView> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [view] = await engine.reviewApps.list(alice, "rvw");
      if (view && view.status !== "creating" && view.status !== "deploying") return view;
      if (Date.now() > deadline) throw new Error(`review app still ${view?.status}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const files = (version: string) => {
    const dir = join(FIXTURES, "app-json-notes");
    const all = Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), "utf8")]));
    const manifest = JSON.parse(all["app.json"] ?? "{}");
    // One web process is enough here; the parent's var and app.json's GREETING are both shown.
    manifest.formation = { web: { quantity: 1 } };
    return {
      ...all,
      "app.json": JSON.stringify(manifest),
      Procfile: "web: node server.js\n",
      "server.js": (all["server.js"] ?? "").replace(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the fixture's source text, replaced
        '`${process.env.GREETING ?? "no GREETING"} from the imported app`',
        `\`\${process.env.GREETING}|\${process.env.FROM_PARENT}|${version}\``,
      ),
    };
  };

  beforeAll(async () => {
    httpPort = await freePort();
    t = await createTestEngine("pglite", {
      builds: { concurrency: 2, allowLocalGit: true, network: buildNetwork(process.env) },
      outbound: loopbackOutboundPolicy(),
      runtime: {
        mode: "nspawn",
        router: { httpPort, baseDomain: "localhost" },
        cgroupParent: `sprev${process.pid}`,
        reconcileIntervalMs: 1000,
        deploy: { healthTimeoutMs: 30_000, drainMs: 300, canaryObserveMs: 1500 },
      },
      addons: { postgresUrl: TEST_PG_ADMIN_URL, gatewayPorts: { postgresql: 15492, redis: 15493 } },
    });
    engine = t.engine;
    await engine.start();
    alice = await t.user("reviewer@example.com");
    const { teamId } = await engine.apps.create(alice, { name: "rv-staging" });
    await engine.config.set(alice, "rv-staging", {
      FROM_PARENT: "parent-value",
      GREETING: "overridden by app.json? no: the parent's wins",
    });
    await engine.config.set(alice, "rv-staging", { PARENT_TOKEN: "s3cret" }, { secret: true });
    await engine.pipelines.create(alice, { name: "rvw", teamId });
    await engine.pipelines.addApp(alice, "rvw", "rv-staging", "staging");
    await engine.reviewApps.updateSettings(alice, "rvw", { enabled: true, parentApp: "rv-staging" });
    secret = (await engine.reviewApps.rotateWebhookSecret(alice, "rvw")).secret;
    addonDbsBefore = await addonDatabases();
  });
  afterAll(async () => {
    for (const app of (await engine?.apps.list(alice).catch(() => ({ items: [] })))?.items ?? [])
      await engine.apps.delete(alice, app.id).catch(() => {});
    await engine?.running?.shutdown();
    await t?.close();
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  });

  it("opened: the review app answers 200 through Caddy, N of N, with the parent's config, app.json's env, its add-on, postdeploy run once", async () => {
    const first = repo.commit("notes v1", files("v1"));
    expect(await pullRequest("opened", first)).toMatchObject({ status: 200, reviewApp: { app: APP } });
    const view = await settled();
    expect(view, view.error ?? "").toMatchObject({ status: "deployed", error: null, app: { name: APP }, origin: "webhook", prNumber: 1 });
    const answers = await statuses();
    expect(answers.map((a) => a.status)).toEqual(Array(REQUESTS).fill(200));
    // The parent's value wins over app.json's default (Heroku's rule: a given value beats app.json's).
    expect(new Set(answers.map((a) => a.body))).toEqual(new Set(["overridden by app.json? no: the parent's wins|parent-value|v1"]));
    const vars = Object.fromEntries((await engine.config.get(alice, APP, { revealSecrets: true })).vars.map((v) => [v.key, v.value]));
    expect(vars.FROM_PARENT).toBe("parent-value");
    // A secret of the parent's is copied, and stays secret (masked) on the review app.
    expect(vars.PARENT_TOKEN).toBe("s3cret");
    const masked = (await engine.config.get(alice, APP)).vars.find((v) => v.key === "PARENT_TOKEN");
    expect(masked).toMatchObject({ isSecret: true, value: null });
    expect(vars.SECRET_KEY_BASE).toMatch(/^[0-9a-f]{64}$/);
    expect(vars.DATABASE_URL).toMatch(/^postgres/);
    expect(await engine.addons.list(alice, APP)).toHaveLength(1);
    expect((await engine.oneOffs.list(alice, APP)).map((o) => [o.command, o.status])).toEqual([["node seed.js", "succeeded"]]);
    expect(JSON.parse((await get("/notes")).body)).toEqual(["seeded by postdeploy"]);
  });

  it("synchronize: the new head is a new release serving the new content, N of N; postdeploy is not run again", async () => {
    const before = (await engine.reviewApps.list(alice, "rvw"))[0]?.release?.version ?? 0;
    const second = repo.commit("notes v2", { "server.js": files("v2")["server.js"] ?? "" });
    expect(await pullRequest("synchronize", second)).toMatchObject({ status: 200 });
    const view = await settled();
    expect(view, view.error ?? "").toMatchObject({ status: "deployed" });
    expect(view.release?.version).toBeGreaterThan(before);
    expect(view.release?.commit).toBe(second);
    const answers = await statuses();
    expect(answers.map((a) => a.status)).toEqual(Array(REQUESTS).fill(200));
    expect(answers.every((a) => a.body.endsWith("|v2"))).toBe(true);
    expect(await engine.oneOffs.list(alice, APP)).toHaveLength(1);
  });

  it("closed: the app is gone (404 from the API and the router) with its add-on's database", async () => {
    const [addon] = await engine.addons.list(alice, APP);
    expect(await pullRequest("closed", "0".repeat(40).replace(/^0/, "a"))).toMatchObject({ status: 200 });
    await expect(engine.apps.get(alice, APP)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await addonDatabases()).toEqual(addonDbsBefore);
    expect(await addonDatabases()).not.toContain(addon?.resource);
    await expect.poll(async () => (await get()).status, { timeout: 30_000, interval: 250 }).toBe(404);
    expect(await engine.reviewApps.list(alice, "rvw")).toEqual([]);
  });
});
