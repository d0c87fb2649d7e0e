import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";

const SHA = "a".repeat(40);
const ZERO = "0".repeat(40);
const main = (newSha = SHA) => ({ ref: "refs/heads/main", oldSha: ZERO, newSha });

// The engine's queue is never started, so what a push starts stays queued: nothing is built here.
describe.each(TEST_DRIVERS)("a git push, by the platform's rule, on %s", (driver) => {
  describe("without a runtime", () => {
    let t: TestEngine;
    let alice: Actor;
    let bob: Actor & { email: string };
    let teamId: string;

    beforeAll(async () => {
      t = await createTestEngine(driver);
      alice = await t.user("alice@example.com");
      bob = await t.user("bob@example.com");
      teamId = (await t.engine.teams.create(alice, { name: "Shop" })).id;
      await t.engine.teams.addMember(alice, { teamId, email: bob.email, role: "member" });
      await t.engine.apps.create(alice, { name: "shop", teamId });
    });
    afterAll(async () => {
      await t.close();
    });

    it("builds a push to main (and master), and deploys nothing", async () => {
      const [outcome] = await t.engine.pushes.received(alice, "shop", [main()]);
      expect(outcome).toMatchObject({ ref: "refs/heads/main", outcome: "building" });
      const builds = await t.engine.builds.list(alice, "shop");
      expect(builds).toHaveLength(1);
      expect(builds[0]).toMatchObject({ status: "queued", sourceType: "push", source: { type: "push", ref: "main", sha: SHA } });

      const [onMaster] = await t.engine.pushes.received(alice, "shop", [
        { ref: "refs/heads/master", oldSha: ZERO, newSha: "b".repeat(40) },
      ]);
      expect(onMaster?.outcome).toBe("building");
      expect(await t.engine.builds.list(alice, "shop")).toHaveLength(2);
    });

    it("keeps a push to another branch, or a deleted main, unbuilt, and says so", async () => {
      const before = (await t.engine.builds.list(alice, "shop")).length;
      const outcomes = await t.engine.pushes.received(alice, "shop", [
        { ref: "refs/heads/feature", oldSha: ZERO, newSha: "c".repeat(40) },
        { ref: "refs/tags/v1", oldSha: ZERO, newSha: "d".repeat(40) },
        { ref: "refs/heads/main", oldSha: SHA, newSha: ZERO },
      ]);
      expect(outcomes).toEqual([
        { ref: "refs/heads/feature", outcome: "ignored", message: "Pushed to feature, not main or master: kept, not built." },
        { ref: "refs/tags/v1", outcome: "ignored", message: "Pushed to refs/tags/v1, not main or master: kept, not built." },
        { ref: "refs/heads/main", outcome: "ignored", message: "main was deleted; nothing to build." },
      ]);
      expect(await t.engine.builds.list(alice, "shop")).toHaveLength(before);
    });

    it("records a push whose build cannot start as a failed build with the reason", async () => {
      // Bob's role is lowered while his push is on its way: git stored it, the build is refused.
      await t.engine.teams.setRole(alice, { teamId, userId: bob.userId, role: "viewer" });
      const [outcome] = await t.engine.pushes.received(bob, "shop", [main("e".repeat(40))]);
      const reason =
        "The push of main at eeeeeee could not start a build: Your role in this team is viewer; starting builds needs member or above.";
      expect(outcome).toMatchObject({ outcome: "failed", message: reason });

      const [newest] = await t.engine.builds.list(alice, "shop");
      expect(newest).toMatchObject({
        id: outcome?.outcome === "failed" ? outcome.build?.id : "",
        status: "failed",
        error: reason,
        commitSha: "e".repeat(40),
        createdBy: bob.userId,
        source: { type: "push", ref: "main", sha: "e".repeat(40) },
      });
      expect(newest?.finishedAt).toBeInstanceOf(Date);
      expect(newest?.stages.every((s) => s.status === "skipped")).toBe(true);
      // Nothing was queued for it.
      expect(newest?.jobId).toBeNull();
    });

    it("records nothing for someone who cannot see the app, and says why", async () => {
      const carol = await t.user("carol@example.com");
      const before = (await t.engine.builds.list(alice, "shop")).length;
      const [outcome] = await t.engine.pushes.received(carol, "shop", [main()]);
      expect(outcome).toMatchObject({ outcome: "failed", build: null });
      expect(outcome?.outcome === "failed" && outcome.message).toContain('No app named or with id "shop"');
      expect(await t.engine.builds.list(alice, "shop")).toHaveLength(before);
    });
  });

  // The runtime is configured (so a push deploys) but never started: nothing runs here.
  describe("with a runtime", () => {
    let t: TestEngine;
    let alice: Actor;

    beforeAll(async () => {
      t = await createTestEngine(driver, { runtime: { mode: "process", router: false } });
      alice = await t.user("alice@example.com");
      await t.engine.apps.create(alice, { name: "shop" });
    });
    afterAll(async () => {
      await t.close();
    });

    it("deploys a push to main: the commit's build, then a rolling deployment of it", async () => {
      const [outcome] = await t.engine.pushes.received(alice, "shop", [main()]);
      expect(outcome?.outcome).toBe("deploying");
      const [build] = await t.engine.builds.list(alice, "shop");
      expect(build).toMatchObject({ status: "queued", source: { type: "push", ref: "main", sha: SHA } });
      const [deployment] = await t.engine.deployments.list(alice, "shop");
      expect(deployment).toMatchObject({ status: "queued", strategy: "rolling", options: { buildId: build?.id } });
      expect(outcome?.outcome === "deploying" && outcome.deployment.id).toBe(deployment?.id);
    });
  });
});
