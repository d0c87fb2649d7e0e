import { insertRelease, upsertFormation } from "@skypanel/db/queries";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import type { PlatformEvent } from "../events/index.ts";
import { createRuntime } from "../runtime/index.ts";
import { addProbeApp } from "../runtime/testing.ts";
import { createTestEngine, type TestEngine } from "../testing.ts";
import { createSupervisor, type InstancePlan } from "./supervisor.ts";

type InstanceEvent = Extract<PlatformEvent, { type: "instance.updated" }>;

// Process mode runs a plain command from a store path (added, not built): no Nix build and no root.
describe("instance and formation events (process runtime; PGlite)", { timeout: 60_000 }, () => {
  let t: TestEngine;
  let artifact: ReturnType<typeof addProbeApp>;
  let owner: Actor;
  let appId: string;
  let plan: (command: string) => InstancePlan;
  const events: PlatformEvent[] = [];
  const supervisor = () =>
    createSupervisor({
      db: t.database.db,
      runtime: createRuntime({ log: () => {} }),
      mode: "process",
      logStore: t.engine.logStore,
      bus: t.engine.bus,
      onRotationChange: () => {},
      stopGraceMs: 1000,
    });
  const of = (id: string) =>
    events.filter((e): e is InstanceEvent => e.type === "instance.updated" && e.instanceId === id).map((e) => `${e.status}/${e.health}`);
  const until = async (check: () => boolean, what: string) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
    if (!check()) throw new Error(`timed out waiting for ${what}; saw ${JSON.stringify(events)}`);
  };

  beforeAll(async () => {
    t = await createTestEngine("pglite");
    artifact = addProbeApp();
    owner = await t.user("ops@example.com");
    const app = await t.engine.apps.create(owner, { name: "live-shop" });
    appId = app.id;
    const release = await insertRelease(t.database.db, { appId, storePath: artifact.storePath, processes: { web: "sleep 60" } });
    plan = (command) => ({
      appId,
      appName: app.name,
      release: { ...release, processes: { web: command } },
      processType: "web",
      env: {},
      limits: { memoryBytes: 256 << 20, cpuQuota: 1, maxProcs: 64, ioWeight: 100 },
      port: 5000,
      health: null,
    });
    t.engine.bus.subscribe((e) => events.push(e));
  });
  afterAll(async () => {
    await t.close();
    artifact.remove();
  });

  it("announces an instance starting, healthy and running, then stopping and stopped", async () => {
    const s = supervisor();
    const m = await s.start(plan("exec sleep 60"));
    await until(() => of(m.id).includes("running/healthy"), "running");
    await s.stop(m.id);
    await until(() => of(m.id).includes("stopped/healthy"), "stopped");
    expect(of(m.id)).toEqual(["starting/unknown", "starting/healthy", "running/healthy", "stopping/healthy", "stopped/healthy"]);
    expect(events.find((e) => e.type === "instance.updated")?.appId).toBe(appId);
  });

  it("announces a crash and the restart that follows", async () => {
    const s = supervisor();
    const m = await s.start(plan("sleep 0.3; exit 3"));
    await until(() => of(m.id).filter((x) => x === "running/healthy").length >= 2, "a restarted instance running again");
    const seen = of(m.id);
    const crash = seen.indexOf("running/unknown");
    expect(crash).toBeGreaterThan(0);
    expect(seen.slice(crash, crash + 2)).toEqual(["running/unknown", "starting/unknown"]);
    await s.stop(m.id);
    await until(() => of(m.id).at(-1)?.startsWith("stopped/") === true, "stopped");
  });

  it("announces the formation after a scale, with each process type's quantity", async () => {
    await upsertFormation(t.database.db, { appId, processType: "web", quantity: 1 });
    await t.engine.formation.scale(owner, "live-shop", { web: 3 });
    expect(events.filter((e) => e.type === "formation.updated")).toEqual([
      { type: "formation.updated", appId, processes: [{ processType: "web", quantity: 3 }] },
    ]);
  });
});
