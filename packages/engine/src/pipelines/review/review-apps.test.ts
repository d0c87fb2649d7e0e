// Review apps without a runtime: the queue is never started, so a review app's making stays
// queued (its job is counted) and nothing is built. What is proved here is every way in and its
// refusals: the webhook's signature, its events and hostile payloads, the limit with each
// when-full, the time to live on a driven clock, review/<name> pushes, hostile branch names.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../actor.ts";
import { makeRepo } from "../../sources/test-git.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../../testing.ts";
import { sign } from "./webhook.ts";

const ZERO = "0".repeat(40);
const sha = (c: string) => c.repeat(40);

describe.each(TEST_DRIVERS)("review apps' ways in and refusals (no runtime: making stays queued) on %s", (driver) => {
  let t: TestEngine;
  let alice: Actor;
  let admin: Actor;
  let clock = new Date("2030-01-01T00:00:00Z");
  const work = mkdtempSync(join(tmpdir(), "skypanel-review-"));
  let repoUrl = "";
  let secret = "";

  const sql = <T>(text: string, params: unknown[] = []) => t.database.sql.query<T>(text, params);
  const rows = () =>
    sql<{ branch: string; status: string; pr_number: number | null; app_id: string | null; origin: string }>(
      "SELECT branch, status, pr_number, app_id, origin FROM review_apps ORDER BY created_at",
    );
  const live = async () => (await rows()).filter((r) => r.status !== "destroyed");
  const jobs = async () =>
    (
      await sql<{ payload: { action: string; sha?: string } }>("SELECT payload FROM jobs WHERE kind = 'review-app' ORDER BY created_at")
    ).map((j) => j.payload);
  const appNames = async () => (await t.engine.apps.list(alice, { perPage: 100 })).items.map((a) => a.name).sort();

  const pr = (action: string, number: number, head: string, ref = `feature-${number}`) =>
    JSON.stringify({ action, number, pull_request: { number, head: { ref, sha: head, repo: { clone_url: repoUrl } } } });
  /** Signed with the pipeline's secret unless `signature` is given (null: no header at all). */
  const deliver = (body: string | Uint8Array, event = "pull_request", signature?: string | null) =>
    t.engine.reviewApps.webhook("shop", {
      event,
      signature: signature === undefined ? sign(secret, body) : (signature ?? undefined),
      body: typeof body === "string" ? Buffer.from(body) : body,
    });

  beforeAll(async () => {
    t = await createTestEngine(driver, { builds: { allowLocalGit: true }, now: () => clock });
    alice = await t.user("alice@example.com");
    admin = await t.user("root@example.com", { isAdmin: true });
    const repo = makeRepo(join(work, "repo"), work);
    repo.commit("first", { "index.html": "hello" });
    repoUrl = repo.dir;
    const { teamId } = await t.engine.apps.create(alice, { name: "shop-staging" });
    await t.engine.apps.create(alice, { name: "shop-prod", teamId });
    await t.engine.apps.create(alice, { name: "elsewhere", teamId });
    await t.engine.pipelines.create(alice, { name: "shop", teamId });
    await t.engine.pipelines.addApp(alice, "shop", "shop-staging", "staging");
    await t.engine.pipelines.addApp(alice, "shop", "shop-prod", "production");
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("turns review apps on only with a development or staging app of the pipeline as the parent", async () => {
    await expect(t.engine.reviewApps.updateSettings(alice, "shop", { enabled: true })).rejects.toThrow(/Choose the parent app/);
    await expect(t.engine.reviewApps.updateSettings(alice, "shop", { enabled: true, parentApp: "shop-prod" })).rejects.toThrow(
      /development or staging app of pipeline shop/,
    );
    await expect(t.engine.reviewApps.updateSettings(alice, "shop", { enabled: true, parentApp: "elsewhere" })).rejects.toThrow(
      /development or staging app/,
    );
    const settings = await t.engine.reviewApps.updateSettings(alice, "shop", { enabled: true, parentApp: "shop-staging", maxApps: 2 });
    expect(settings).toMatchObject({
      enabled: true,
      parentApp: { name: "shop-staging" },
      maxApps: 2,
      whenFull: "refuse_newest",
      webhook: false,
    });
  });

  it("answers 401 to every delivery until a secret is set, and to a missing, malformed or wrong signature; nothing is made", async () => {
    const body = pr("opened", 1, sha("a"));
    await expect(
      t.engine.reviewApps.webhook("shop", { event: "pull_request", signature: sign("guess", body), body: Buffer.from(body) }),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const rotated = await t.engine.reviewApps.rotateWebhookSecret(alice, "shop");
    expect(rotated.url).toBe("/api/pipelines/shop/webhooks/github");
    secret = rotated.secret;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    for (const signature of [null, "", "sha256=", `sha1=${"0".repeat(40)}`, sign("wrong secret", body), `${sign(secret, body)}0`])
      await expect(deliver(body, "pull_request", signature)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    // Signed for other bytes than those sent: one changed byte fails.
    await expect(deliver(body.replace("opened", "opened "), "pull_request", sign(secret, body))).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    // An unknown pipeline answers as a wrong signature does.
    await expect(
      t.engine.reviewApps.webhook("nope", { event: "ping", signature: sign(secret, "{}"), body: Buffer.from("{}") }),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await rows()).toEqual([]);
    expect(await appNames()).toEqual(["elsewhere", "shop-prod", "shop-staging"]);
  });

  it("answers ping 200, other events and actions 202, malformed or oversized signed bodies 400; nothing is made", async () => {
    expect(await deliver("{}", "ping")).toMatchObject({ status: 200 });
    expect(await deliver("{}", "push")).toMatchObject({ status: 202 });
    expect(await deliver(pr("labeled", 1, sha("a")))).toMatchObject({ status: 202, message: expect.stringMatching(/labeled/) });
    await expect(deliver("{not json")).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/not JSON/) });
    await expect(deliver(JSON.stringify({ action: "opened", pull_request: { number: -1 } }))).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(deliver(pr("opened", 1, "not-a-sha"))).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/head.sha/),
    });
    await expect(deliver(Buffer.alloc(1024 * 1024 + 1, 0x20))).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/at most/),
    });
    await expect(deliver("{}", "")).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await rows()).toEqual([]);
    expect(await jobs()).toEqual([]);
  });

  it("opened makes pr-N's app in the pipeline and queues its making; synchronize queues a new deploy; closed destroys it", async () => {
    const opened = await deliver(pr("opened", 7, sha("a")));
    expect(opened).toMatchObject({ status: 200, reviewApp: { branch: "feature-7", app: "shop-pr-7", status: "creating" } });
    const [pipelineApp] = await sql<{ stage: string }>(
      "SELECT stage FROM pipeline_apps WHERE app_id = (SELECT id FROM applications WHERE name = 'shop-pr-7')",
    );
    expect(pipelineApp?.stage).toBe("review");
    // The same delivery again (GitHub retries) makes nothing more.
    expect(await deliver(pr("reopened", 7, sha("a")))).toMatchObject({ status: 200, message: expect.stringMatching(/Already/) });
    expect(await deliver(pr("synchronize", 7, sha("b")))).toMatchObject({
      status: 200,
      message: expect.stringMatching(/Deploying bbbbbbb/),
    });
    expect(await jobs()).toEqual([
      { reviewAppId: expect.any(String), action: "create" },
      { reviewAppId: expect.any(String), action: "update", sha: sha("b") },
    ]);
    const closed = await deliver(pr("closed", 7, sha("b")));
    expect(closed).toMatchObject({ status: 200, message: expect.stringMatching(/Destroyed shop-pr-7/) });
    await expect(t.engine.apps.get(alice, "shop-pr-7")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await rows()).toEqual([{ branch: "feature-7", status: "destroyed", pr_number: 7, app_id: null, origin: "webhook" }]);
    expect(await deliver(pr("closed", 7, sha("b")))).toMatchObject({ status: 202 });
  });

  it("refuses the newest past the maximum with a clear message (API and webhook), making nothing", async () => {
    await t.engine.reviewApps.create(alice, "shop", { branch: "one", source: { url: repoUrl } });
    await t.engine.reviewApps.create(alice, "shop", { branch: "two", source: { url: repoUrl } });
    const before = await appNames();
    await expect(t.engine.reviewApps.create(alice, "shop", { branch: "three", source: { url: repoUrl } })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/already has 2 review apps, its maximum \(2\)/),
    });
    await expect(deliver(pr("opened", 8, sha("c")))).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/its maximum/),
    });
    expect((await live()).map((r) => r.branch)).toEqual(["one", "two"]);
    expect(await appNames()).toEqual(before);
  });

  it("destroys the oldest to make room when set to destroy_oldest", async () => {
    await t.engine.reviewApps.updateSettings(alice, "shop", { whenFull: "destroy_oldest" });
    const made = await t.engine.reviewApps.create(alice, "shop", { branch: "three", source: { url: repoUrl } });
    expect(made.app?.name).toBe("shop-three");
    expect((await live()).map((r) => r.branch)).toEqual(["two", "three"]);
    await expect(t.engine.apps.get(alice, "shop-one")).rejects.toMatchObject({ code: "NOT_FOUND" });
    // A branch with a live review app is not made twice.
    await expect(t.engine.reviewApps.create(alice, "shop", { branch: "two", source: { url: repoUrl } })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("refuses hostile branch names clearly, and names the app safely from what remains", async () => {
    for (const branch of ["a..b", "bad\u0000name", "x\nname", "-option", "x".repeat(256), "", "../../etc"])
      await expect(t.engine.reviewApps.create(alice, "shop", { branch, source: { url: repoUrl } })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
    await t.engine.reviewApps.updateSettings(alice, "shop", { maxApps: 10 });
    const long = await t.engine.reviewApps.create(alice, "shop", {
      branch: "Feature/Very_Long__Branch.Name-That-Goes-On-And-On",
      source: { url: repoUrl },
    });
    expect(long.app?.name).toBe("shop-feature-very-long-branch");
    // The same slug again gets a number, never a clash.
    const again = await t.engine.reviewApps.create(alice, "shop", { branch: "feature/very-long-branch", source: { url: repoUrl } });
    expect(again.app?.name).toBe("shop-feature-very-long-branc-2");
    // A pull request's head branch may hold anything: the row keeps it readable, the app is pr-N.
    await expect(deliver(pr("opened", 9, sha("d"), "z".repeat(256)))).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const hostile = await deliver(pr("opened", 9, sha("d"), `evil\u0007\u001b[31m${"y".repeat(240)}`));
    expect(hostile.reviewApp).toMatchObject({ app: "shop-pr-9" });
    expect(hostile.reviewApp?.branch).toMatch(/^evil\?\?\[31my+$/);
    expect(hostile.reviewApp?.branch.length).toBe(200);
    // A hostile source is refused as any git source is.
    await expect(
      t.engine.reviewApps.create(alice, "shop", { branch: "ok", source: { url: "ext::sh -c touch% /tmp/pwned" } }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("destroys review apps past their time to live, by the driven clock", async () => {
    await t.engine.reviewApps.updateSettings(alice, "shop", { ttlSeconds: 3600 });
    await t.engine.reviewApps.create(alice, "shop", { branch: "short-lived", source: { url: repoUrl } });
    expect(await t.engine.reviewApps.sweep()).toBe(0);
    clock = new Date(clock.getTime() + 3601_000);
    expect(await t.engine.reviewApps.sweep()).toBe(1);
    expect((await rows()).find((r) => r.branch === "short-lived")?.status).toBe("destroyed");
    await expect(t.engine.apps.get(alice, "shop-short-lived")).rejects.toMatchObject({ code: "NOT_FOUND" });
    // The others were made before a time to live was set: they stay.
    expect((await live()).length).toBeGreaterThan(0);
  });

  it("makes a review app from a push of review/<name> to the parent, deploys the next push, destroys it when the branch is deleted", async () => {
    const push = async (newSha: string) =>
      (await t.engine.pushes.received(alice, "shop-staging", [{ ref: "refs/heads/review/login", oldSha: ZERO, newSha }])).map((o) =>
        o.outcome === "ignored" ? o : { ...o, message: `not ignored: ${o.outcome}` },
      );
    const [made] = await push(sha("e"));
    expect(made).toMatchObject({ outcome: "ignored", message: expect.stringMatching(/review\/login: making review app shop-login/) });
    const [next] = await push(sha("f"));
    expect(next?.message).toMatch(/deploying fffffff/);
    expect((await jobs()).slice(-2).map((j) => [j.action, j.sha])).toEqual([
      ["create", undefined],
      ["update", sha("f")],
    ]);
    const [gone] = await push(ZERO);
    expect(gone?.message).toMatch(/destroyed shop-login/);
    expect((await rows()).find((r) => r.branch === "review/login")).toMatchObject({ status: "destroyed", origin: "push" });
    // An app in no pipeline keeps review/ pushes, as any other branch.
    const [kept] = await t.engine.pushes.received(alice, "elsewhere", [{ ref: "refs/heads/review/x", oldSha: ZERO, newSha: sha("a") }]);
    expect(kept).toMatchObject({ outcome: "ignored", message: expect.stringMatching(/kept, not built/) });
  });

  it("keeps the webhook verifying across a master key rotation", async () => {
    await t.engine.keys.rotate(admin);
    expect(await deliver("{}", "ping")).toMatchObject({ status: 200 });
    const [row] = await sql<{ webhook_key_id: string }>("SELECT webhook_key_id FROM pipelines WHERE name = 'shop'");
    expect(row?.webhook_key_id).toBe(t.engine.deps.keyring.currentId);
  });

  it("destroys on request only with the app's name as confirmation; the row stays as history", async () => {
    await expect(t.engine.reviewApps.destroy(alice, "shop", "two", "two")).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await t.engine.reviewApps.destroy(alice, "shop", "two", "shop-two")).toMatchObject({ app: "shop-two" });
    await expect(t.engine.reviewApps.destroy(alice, "shop", "two", "shop-two")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await rows()).filter((r) => r.branch === "two").map((r) => r.status)).toEqual(["destroyed"]);
  });
});
