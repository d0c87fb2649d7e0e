// One-off instances attached to their caller, for real: nspawn and bubblewrap sandboxes on a
// pseudo-terminal (window size, Ctrl-C) or on plain pipes, and process mode.
import { afterAll, describe, expect, it } from "vitest";
import type { AttachedInstance } from "./attached.ts";
import type { RuntimeMode } from "./spec.ts";
import { addProbeApp, testRuntime, testSpec } from "./testing.ts";

/** Everything the one-off writes until it ends, and how it ended. */
async function finish(instance: AttachedInstance) {
  const chunks: Buffer[] = [];
  instance.io.output.on("data", (c: Buffer) => chunks.push(c));
  instance.io.errors.on("data", (c: Buffer) => chunks.push(c));
  const exit = await instance.wait();
  return { exit, text: Buffer.concat(chunks).toString("utf8") };
}

/** Resolves once the output so far contains `text`. */
function seen(instance: AttachedInstance, text: string, timeoutMs = 20_000): Promise<void> {
  let all = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`never saw ${JSON.stringify(text)} in ${JSON.stringify(all)}`)), timeoutMs);
    instance.io.output.on("data", (c: Buffer) => {
      all += c.toString("utf8");
      if (all.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

describe.each<RuntimeMode>(["nspawn", "bwrap", "process"])("runtime: an attached one-off in %s mode", (mode) => {
  const app = addProbeApp();
  const t = testRuntime();
  afterAll(async () => {
    await t.cleanup();
    app.remove();
  });
  const spec = (command: string, env: Record<string, string> = {}) =>
    testSpec(app.storePath, { command, mode, processType: "run", env: { TERM: "xterm", ...env } });

  it("passes the command's exit code and output back, on plain pipes, with the app's config", async () => {
    const one = await t.runtime.startAttached(spec("echo hello $GREETING; echo oops >&2; exit 3", { GREETING: "there" }), null);
    const { exit, text } = await finish(one);
    expect(exit.code).toBe(3);
    expect(text).toContain("hello there");
    expect(text).toContain("oops");
  });

  it("feeds stdin to the command", async () => {
    const one = await t.runtime.startAttached(spec("read line; echo got:$line"), null);
    one.io.input.end("some input\n");
    const { exit, text } = await finish(one);
    expect(exit.code).toBe(0);
    expect(text).toContain("got:some input");
  });

  it("a one-off stopped the moment it starts still gets its SIGTERM (it stops; it is not killed at the grace's end)", async () => {
    const one = await t.runtime.startAttached(spec("exec sleep 30"), null);
    const exit = await one.stop(20_000);
    expect(exit.reason).toBe("stopped");
  });

  it("runs on a terminal of the asked size, follows a resize, and Ctrl-C interrupts the command", async () => {
    const one = await t.runtime.startAttached(
      spec(`stty size; [ -t 0 ] && echo on-a-tty; trap 'stty size; echo resized' WINCH; echo ready; sleep 60 & wait; wait; echo after`),
      { cols: 123, rows: 45 },
    );
    const done = finish(one);
    await seen(one, "ready");
    one.io.resize({ cols: 99, rows: 33 });
    await seen(one, "resized");
    one.io.input.write("\x03");
    const { exit, text } = await done;
    expect(text).toContain("45 123");
    expect(text).toContain("on-a-tty");
    expect(text).toContain("33 99");
    // SIGINT ended bash: 130 as a shell reports it; nspawn reports any death by a signal as 255.
    expect(text).not.toContain("after");
    expect(exit.code).toBe(mode === "nspawn" ? 255 : 130);
  });
});
