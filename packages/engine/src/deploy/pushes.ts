// `git push` to an app's repository, in the platform's words. As on Heroku, a push to main or
// master builds that commit and, when this platform runs apps, deploys it; a push to any other
// branch is kept in the repository and not built (Heroku answers "Pushed to non-main branch,
// skipping build."), except review/<name> branches, which make and update review apps. A push whose
// build cannot start is recorded as a failed build.
import type { Build, Deployment } from "@skypanel/db";
import type { Actor } from "../actor.ts";
import type { Builds } from "../builds/index.ts";
import type { RefUpdate } from "../sources/index.ts";
import type { Deployments } from "./service.ts";

/** Branches whose pushes build (and deploy). */
export const BUILD_BRANCHES = ["main", "master"];

const ZERO_SHA = /^0+$/;
const HEADS = "refs/heads/";

/** What became of one ref a push changed. */
export type PushOutcome =
  | { ref: string; outcome: "ignored"; message: string }
  | { ref: string; outcome: "building"; build: Build }
  | { ref: string; outcome: "deploying"; deployment: Deployment }
  /** `build` is the failed build that records it; null when even that could not be written. */
  | { ref: string; outcome: "failed"; message: string; build: Build | null };

/** Review apps (engine/pipelines/review) take pushes of review/<name> branches: one line per branch. */
export interface ReviewPushes {
  pushed(actor: Actor, idOrName: string, updates: RefUpdate[]): Promise<string[]>;
}

export function createPushes(builds: Builds, deployments: Deployments, review?: ReviewPushes) {
  async function one(actor: Actor, idOrName: string, update: RefUpdate): Promise<PushOutcome> {
    const { ref, newSha } = update;
    const branch = ref.startsWith(HEADS) ? ref.slice(HEADS.length) : null;
    // A review/<name> branch (pushed or deleted) is its review app's, when the app's pipeline has them on.
    if (review && branch?.startsWith("review/")) {
      const [line] = await review.pushed(actor, idOrName, [update]).catch((err: Error) => [`${branch}: ${err.message}`]);
      return { ref, outcome: "ignored", message: line ?? `Pushed to ${branch}: kept, not built.` };
    }
    if (ZERO_SHA.test(newSha)) return { ref, outcome: "ignored", message: `${branch ?? ref} was deleted; nothing to build.` };
    if (!branch || !BUILD_BRANCHES.includes(branch)) {
      return { ref, outcome: "ignored", message: `Pushed to ${branch ?? ref}, not main or master: kept, not built.` };
    }
    const source = { type: "push" as const, ref: branch, sha: newSha };
    try {
      // With a runtime the push deploys (building first); without one it only builds.
      if (deployments.runtimeEnabled)
        return { ref, outcome: "deploying", deployment: await deployments.create(actor, idOrName, { source }) };
      return { ref, outcome: "building", build: await builds.create(actor, idOrName, source) };
    } catch (err) {
      const message = `The push of ${branch} at ${newSha.slice(0, 7)} could not start a build: ${(err as Error).message}`;
      const build = await builds.recordNotStarted(actor, idOrName, source, message).catch(() => null);
      return { ref, outcome: "failed", message, build };
    }
  }

  return {
    /** The refs a push to the app's repository changed, once git has stored them. */
    async received(actor: Actor, idOrName: string, updates: RefUpdate[]): Promise<PushOutcome[]> {
      const outcomes: PushOutcome[] = [];
      for (const update of updates) outcomes.push(await one(actor, idOrName, update));
      return outcomes;
    },
  };
}

export type Pushes = ReturnType<typeof createPushes>;
