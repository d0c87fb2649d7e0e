// For the deployment tests: wait for a deployment to end, or fail with where it stopped.
import type { Actor } from "../actor.ts";
import type { Engine } from "../engine.ts";

/** Polls until the deployment leaves queued/running; after `timeoutMs` throws with its steps. */
export async function waitForDeployment(engine: Engine, actor: Actor, app: string, id: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await engine.deployments.get(actor, app, id);
    if (!["queued", "running"].includes(d.status)) return d;
    if (Date.now() > deadline) throw new Error(`deployment still ${d.status} after ${timeoutMs / 1000} s: ${JSON.stringify(d.steps)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
