import type { PlatformEvent } from "@skypanel/engine";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, type TestBff } from "../testing.ts";

interface Received {
  id: string;
  data: { type: string; deploymentId?: string };
}

/**
 * events.app over real HTTP as Server-Sent Events, read the way an EventSource does. `resume`
 * is where a reconnect starts: tRPC's link puts it in the input, a browser's own reconnect sends
 * the Last-Event-ID header; both are tried.
 */
async function open(url: string, token: string, resume: { input?: string; header?: string } = {}) {
  const input = encodeURIComponent(JSON.stringify(superjson.serialize({ app: "live-app", lastEventId: resume.input })));
  const controller = new AbortController();
  const res = await fetch(`${url}/api/trpc/events.app?input=${input}`, {
    headers: {
      authorization: `Bearer ${token}`,
      accept: "text/event-stream",
      ...(resume.header ? { "last-event-id": resume.header } : {}),
    },
    signal: controller.signal,
  });
  const reader = (res.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const received: Received[] = [];
  const errors: unknown[] = [];
  let connected = false;
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: "", done: true }));
      if (done) return;
      buffer += value;
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) => block.match(new RegExp(`^${name}: ?(.*)$`, "m"))?.[1];
        const event = field("event") ?? "message";
        if (event === "connected") connected = true;
        else if (event === "serialized-error") errors.push(superjson.deserialize(JSON.parse(field("data") ?? "{}")));
        else if (event === "message")
          received.push({ id: field("id") ?? "", data: superjson.deserialize(JSON.parse(field("data") ?? "{}")) });
      }
    }
  })();
  const until = async (check: () => boolean, what: string) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
    if (!check()) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify({ received, errors })}`);
  };
  await until(() => connected || errors.length > 0 || res.status !== 200, "the stream to open");
  return {
    res,
    received,
    errors,
    until,
    async close() {
      controller.abort();
      await reading;
    },
  };
}

describe("events.app: an app's live events over SSE, resumed after a drop (PGlite)", () => {
  let t: TestBff;
  let url: string;
  let token: string;
  let appId: string;
  let otherAppId: string;
  const deployment = (app: string, n: number): PlatformEvent => ({
    type: "deployment.updated",
    appId: app,
    deploymentId: `dep-${n}`,
    status: "running",
  });
  const names = (r: Received[]) => r.map((e) => e.data.deploymentId ?? e.data.type);

  beforeAll(async () => {
    t = await createTestBff("pglite");
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    token = await t.login("ops@example.com");
    appId = (await t.rest("POST", "/api/apps", { token, body: { name: "live-app" } })).body.id;
    otherAppId = (await t.rest("POST", "/api/apps", { token, body: { name: "other-app" } })).body.id;
    url = await t.listen();
  });
  afterAll(async () => {
    await t.close();
  });

  it("streams the app's state changes, not its log lines nor other apps'; a reconnect gets exactly the missed ones", async () => {
    const first = await open(url, token);
    t.engine.bus.publish(deployment(appId, 1));
    t.engine.bus.publish(deployment(otherAppId, 99));
    t.engine.bus.publish({ type: "build.log", appId, buildId: "b1", line: 1, text: "npm ci" });
    t.engine.bus.publish({ type: "instance.updated", appId, instanceId: "i1", status: "running", health: "healthy" });
    await first.until(() => first.received.length === 2, "two events");
    expect(names(first.received)).toEqual(["dep-1", "instance.updated"]);
    await first.close();

    // While nobody listens, the app changes.
    t.engine.bus.publish(deployment(appId, 2));
    t.engine.bus.publish(deployment(otherAppId, 98));
    t.engine.bus.publish(deployment(appId, 3));

    // tRPC's link, recreating the stream, sends the last id it saw in the input.
    const again = await open(url, token, { input: first.received.at(-1)?.id });
    await again.until(() => again.received.length >= 2, "the missed events");
    t.engine.bus.publish({ type: "metrics.tick", appId, sampledAt: new Date() });
    await again.until(() => again.received.length >= 3, "a live event");
    await new Promise((r) => setTimeout(r, 100));
    expect(names(again.received)).toEqual(["dep-2", "dep-3", "metrics.tick"]);
    await again.close();

    // A browser's EventSource, reconnecting by itself, sends the Last-Event-ID header instead.
    t.engine.bus.publish(deployment(appId, 4));
    const third = await open(url, token, { header: again.received.at(-1)?.id });
    await third.until(() => third.received.length >= 1, "the missed event");
    await new Promise((r) => setTimeout(r, 100));
    expect(names(third.received)).toEqual(["dep-4"]);
    await third.close();
  });

  it("tells a client from an earlier server process to resync, then streams on", async () => {
    const stale = await open(url, token, { input: "0abc:17" });
    await stale.until(() => stale.received.length === 1, "a resync");
    expect(stale.received[0]?.data).toEqual({ type: "resync", appId });
    expect(stale.received[0]?.id).toBe(t.engine.bus.head());
    t.engine.bus.publish(deployment(appId, 5));
    await stale.until(() => stale.received.length === 2, "the next event");
    expect(names(stale.received)).toEqual(["resync", "dep-5"]);
    await stale.close();
  });

  it("refuses a user who cannot read the app, and an anonymous client", async () => {
    await t.rest("POST", "/api/users", { token, body: { email: "eve@example.com", password: "correct horse battery" } });
    const stranger = await open(url, await t.login("eve@example.com"));
    await stranger.until(() => stranger.errors.length > 0 || stranger.res.status !== 200, "a refusal");
    expect(stranger.received).toEqual([]);
    expect(stranger.errors).toMatchObject([{ data: { code: "NOT_FOUND" } }]);
    await stranger.close();
    const anon = await open(url, "not-a-token");
    await anon.until(() => anon.errors.length > 0, "a refusal");
    expect(anon.errors).toMatchObject([{ data: { code: "UNAUTHORIZED" } }]);
    await anon.close();
  });
});
