// One-off processes for real: instances of an app's release in systemd-nspawn, attached on
// pipes or a terminal, or detached into the logs (PGlite; the artifact is added to the Nix
// store, not built, and no router runs).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import type { Engine } from "../engine.ts";
import { addProbeApp } from "../runtime/testing.ts";
import { createTestEngine, type TestEngine } from "../testing.ts";
import type { OneOffSession } from "./service.ts";
import { appWithRelease } from "./testing.ts";

/** Everything an attached one-off prints until it ends, and its exit code. */
async function outputOf(session: OneOffSession) {
  const chunks: Buffer[] = [];
  session.instance.io.output.on("data", (c: Buffer) => chunks.push(c));
  session.instance.io.errors.on("data", (c: Buffer) => chunks.push(c));
  const code = await session.exited;
  return { code, text: Buffer.concat(chunks).toString("utf8") };
}

describe("one-off processes (nspawn; PGlite)", { timeout: 120_000 }, () => {
  let t: TestEngine;
  let engine: Engine;
  let alice: Actor;
  let bob: Actor;
  const artifact = addProbeApp();

  beforeAll(async () => {
    t = await createTestEngine("pglite", {
      runtime: { mode: "nspawn", router: false, cgroupParent: `sponeoff${process.pid}`, reconcileIntervalMs: 60_000 },
    });
    engine = t.engine;
    await engine.start();
    alice = await t.user("alice@example.com");
    bob = await t.user("bob@example.com");
    await appWithRelease(t, alice, "shop", artifact.storePath);
    await appWithRelease(t, bob, "blog", artifact.storePath);
  });
  afterAll(async () => {
    await engine.running?.shutdown();
    await t.close();
    artifact.remove();
  });

  it("runs an attached command with the app's config and passes its exit code and output back", async () => {
    const started = await engine.oneOffs.start(alice, "shop", { command: "echo $GREETING as $DYNO; exit 3" });
    expect(started).toMatchObject({
      name: "run.1",
      status: "starting",
      attach: true,
      attachUrl: `/api/apps/shop/one-offs/${started.id}/attach`,
    });
    const { code, text } = await outputOf(await engine.oneOffs.attach(alice, "shop", started.id));
    expect(code).toBe(3);
    expect(text).toContain("hello from shop as run.1");
    expect(await engine.oneOffs.get(alice, "shop", started.id)).toMatchObject({
      status: "failed",
      exitCode: 3,
      exitReason: "exited with code 3",
    });
  });

  it("gives an attached command a terminal of the caller's size", async () => {
    const started = await engine.oneOffs.start(alice, "shop", { command: "stty size; tty", size: { cols: 100, rows: 40 } });
    const { code, text } = await outputOf(await engine.oneOffs.attach(alice, "shop", started.id));
    expect(code).toBe(0);
    expect(text).toContain("40 100");
    expect(text).toMatch(/\/dev\/(pts\/\d+|console)/);
  });

  it("refuses a second attach, and a stranger cannot see or attach to another app's one-off", async () => {
    const started = await engine.oneOffs.start(alice, "shop", { command: "true" });
    await expect(engine.oneOffs.attach(bob, "shop", started.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const session = await engine.oneOffs.attach(alice, "shop", started.id);
    await expect(engine.oneOffs.attach(alice, "shop", started.id)).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await outputOf(session)).code).toBe(0);
    await expect(engine.oneOffs.list(bob, "shop")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("runs a detached command with its output in the app's logs, and lists it", async () => {
    const started = await engine.oneOffs.start(alice, "shop", { command: "echo detached says $GREETING", attach: false });
    expect(started).toMatchObject({ status: "running", attach: false, attachUrl: null });
    let row = await engine.oneOffs.get(alice, "shop", started.id);
    for (let i = 0; i < 100 && row.status === "running"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      row = await engine.oneOffs.get(alice, "shop", started.id);
    }
    expect(row).toMatchObject({ status: "succeeded", exitCode: 0 });
    await engine.logStore.flush();
    const lines = await engine.logs.query(alice, "shop", { processType: "run", tail: 20 });
    expect(lines.map((l) => l.line)).toContain("detached says hello from shop");
    const list = await engine.oneOffs.list(alice, "shop");
    expect(list[0]?.id).toBe(started.id);
    expect(list.map((o) => o.name)).toContain("run.1");
  });

  it("stops a command at its timeout", async () => {
    const started = await engine.oneOffs.start(alice, "shop", { command: "sleep 30", timeoutSeconds: 1 });
    const { code } = await outputOf(await engine.oneOffs.attach(alice, "shop", started.id));
    expect(code).not.toBe(0);
    expect(await engine.oneOffs.get(alice, "shop", started.id)).toMatchObject({ status: "timed_out" });
  });

  it("keeps two apps' one-offs apart: neither sees the other's processes, and each runs as its own user", async () => {
    const shop = await engine.oneOffs.start(alice, "shop", { command: "echo uid=$(id -u); exec sleep 31", attach: false });
    const blog = await engine.oneOffs.start(bob, "blog", {
      command: "echo uid=$(id -u); cat /proc/[0-9]*/cmdline | tr '\\0' ' '; echo; ls /proc | grep -c '^[0-9]'",
    });
    const { code, text } = await outputOf(await engine.oneOffs.attach(bob, "blog", blog.id));
    expect(code).toBe(0);
    expect(text).not.toContain("sleep 31");
    await engine.logStore.flush();
    const shopUid = (await engine.logs.query(alice, "shop", { processType: "run", tail: 50 }))
      .map((l) => l.line)
      .find((l) => l.startsWith("uid="));
    const blogUid = text.match(/uid=\d+/)?.[0];
    expect(shopUid).toMatch(/^uid=\d+$/);
    expect(blogUid).toMatch(/^uid=\d+$/);
    expect(blogUid).not.toBe(shopUid);
    const stopped = await engine.oneOffs.stop(alice, "shop", shop.id);
    expect(stopped.status).toBe("stopped");
  });

  it("refuses an empty command, a bad timeout, and a viewer-less stranger", async () => {
    await expect(engine.oneOffs.start(alice, "shop", { command: "  " })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(engine.oneOffs.start(alice, "shop", { command: "true", timeoutSeconds: 0 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(engine.oneOffs.start(bob, "shop", { command: "true" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
