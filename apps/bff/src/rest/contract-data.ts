// What the REST contract test gives Schemathesis to work on: two users with API tokens, an app
// with config, builds, a release, a deployment, an instance, domains and log lines, and things
// made to be deleted (an app, an app to rename, a token, a domain).
import { withActor } from "@skypanel/db/queries";
import type { TestBff } from "../testing.ts";

export interface ContractData {
  /** A member's API token: every operation runs as someone who is not a platform admin. */
  memberToken: string;
  /** A platform admin's API token, for the admin-only operations' answers. */
  adminToken: string;
  app: string;
  /** A pipeline with the app at its staging stage. */
  pipeline: string;
  buildIds: string[];
  releaseRefs: string[];
  deploymentId: string;
  domain: string;
  configKeys: string[];
  /** Made to be deleted or changed beyond use by the destructive operations. */
  doomed: { app: string; renamedApp: string; tokenId: string; domain: string };
}

const PASSWORD = "correct horse battery";

/** A plan as detection writes it (every field), so the build's record is what a real one looks like. */
const PLAN = {
  stack: "nodejs",
  framework: "express",
  versions: { node: "20" },
  packageManager: "npm",
  lockfiles: ["package-lock.json"],
  install: "npm ci",
  build: null,
  test: null,
  processes: { web: "node server.js" },
  release: null,
  port: 3000,
  reasons: [{ topic: "stack", reason: "package.json found" }],
  warnings: [],
};

const STEPS = [{ name: "start instances", status: "succeeded", startedAt: "2025-01-31T12:00:00.000Z", durationMs: 1200, detail: null }];

export async function seedContractData(t: TestBff): Promise<ContractData> {
  const ok = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await t.rest(method, path, { token, body });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  await t.engine.users.createFirstAdmin({ email: "admin@example.com", password: PASSWORD });
  const adminSession = await t.login("admin@example.com");
  const adminToken = (await ok("POST", "/api/tokens", adminSession, { name: "contract", scope: "admin" })).token as string;
  await ok("POST", "/api/users", adminSession, { email: "member@example.com", password: PASSWORD });
  const session = await t.login("member@example.com");
  const memberToken = (await ok("POST", "/api/tokens", session, { name: "contract", scope: "admin" })).token as string;
  const doomedToken = (await ok("POST", "/api/tokens", session, { name: "doomed" })).id as string;
  await ok("POST", "/api/teams", memberToken, { name: "contract-team" });

  const app = "contract-app";
  const appId = (await ok("POST", "/api/apps", memberToken, { name: app, description: "The contract test's app" })).id as string;
  await ok("POST", "/api/apps", memberToken, { name: "doomed-app" });
  await ok("POST", "/api/apps", memberToken, { name: "renamed-app" });
  await ok("POST", `/api/apps/${app}/config/vars`, memberToken, { vars: { PLAIN: "value" } });
  await ok("POST", `/api/apps/${app}/config/secrets`, memberToken, { secrets: { API_KEY: "s3cret" } });
  for (const domain of ["www.contract.example", "gone.contract.example"]) {
    await ok("POST", `/api/apps/${app}/domains`, memberToken, { domain });
  }

  // A finished build (its log is plain text) and a queued one (its log is a stream), as the
  // pipeline leaves them; nothing builds here (the test engine's queue is not started).
  const sql = t.database.sql;
  const [built] = await sql.query<{ id: string }>(
    `INSERT INTO builds (app_id, number, status, source_type, source, stages, store_path, plan, duration_ms, started_at, finished_at)
     VALUES ($1, 1, 'succeeded', 'archive', $2, $3, '/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-app', $4, 4200, now(), now()) RETURNING id`,
    [
      appId,
      JSON.stringify({ type: "archive", filename: "app.tar.gz", bytes: 1024 }),
      JSON.stringify([{ name: "fetch", status: "succeeded", startedAt: "2025-01-31T12:00:00.000Z", durationMs: 10, detail: null }]),
      JSON.stringify(PLAN),
    ],
  );
  const [queued] = await sql.query<{ id: string }>(
    `INSERT INTO builds (app_id, number, status, source_type, source) VALUES ($1, 2, 'queued', 'git', $2) RETURNING id`,
    [appId, JSON.stringify({ type: "git", url: "https://example.com/app.git", ref: "main" })],
  );
  const memberId = (await t.engine.auth.authenticate(memberToken))?.user.id ?? "";
  const actor = { userId: memberId, isAdmin: false };
  const release = await withActor(t.database.db, actor, (tx) => t.engine.releases.fromBuild(tx, actor, appId, built?.id ?? ""));
  await sql.query("UPDATE applications SET current_release_id = $1 WHERE id = $2", [release.id, appId]);
  const [deployment] = await sql.query<{ id: string }>(
    `INSERT INTO deployments (app_id, release_id, strategy, status, steps, options, started_at, finished_at, duration_ms)
     VALUES ($1, $2, 'rolling', 'succeeded', $3, $4, now(), now(), 1200) RETURNING id`,
    [appId, release.id, JSON.stringify(STEPS), JSON.stringify({ releaseId: release.id })],
  );
  await sql.query(
    `INSERT INTO instances (app_id, release_id, process_type, status, health_status, port, resource_usage, runtime_mode, stopped_at)
     VALUES ($1, $2, 'web', 'stopped', 'healthy', 31000, $3, 'process', now())`,
    [appId, release.id, JSON.stringify({ pids: 3 })],
  );
  for (let i = 1; i <= 3; i++) t.engine.logStore.append({ appId, processType: "web", line: `request ${i} served` });
  t.engine.logStore.append({ appId, processType: "web", stream: "stderr", line: "Error: something failed" });
  await t.engine.logStore.flush();
  await ok("POST", "/api/pipelines", memberToken, { name: "contract-pipe" });
  await ok("PUT", `/api/pipelines/contract-pipe/apps/${app}`, memberToken, { stage: "staging" });

  return {
    memberToken,
    adminToken,
    app,
    pipeline: "contract-pipe",
    buildIds: [built?.id ?? "", queued?.id ?? ""],
    releaseRefs: ["1", "v1", release.id],
    deploymentId: deployment?.id ?? "",
    domain: "www.contract.example",
    configKeys: ["PLAIN", "API_KEY"],
    doomed: { app: "doomed-app", renamedApp: "renamed-app", tokenId: doomedToken, domain: "gone.contract.example" },
  };
}
