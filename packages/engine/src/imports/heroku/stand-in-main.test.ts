// The STAND-IN for Heroku as its own process, the way a browser test runs it.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, expect, it } from "vitest";
import { loopbackOutboundPolicy } from "../../net/index.ts";
import { createHerokuClient } from "./client.ts";
import { shopModel, TOKEN } from "./test-fixtures.ts";

let dir: string | null = null;
let child: ChildProcess | null = null;

afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("runs from a model file, serves it with paths relative to the file, and stops on SIGTERM", async () => {
  dir = mkdtempSync(join(tmpdir(), "heroku-stand-in-main-"));
  const model = shopModel(dir);
  for (const app of model.apps) {
    if (app.slug) app.slug.file = "slug.tgz";
    for (const b of app.backups) b.file = "b001.dump";
  }
  writeFileSync(join(dir, "model.json"), JSON.stringify(model));

  const main = join(import.meta.dirname, "stand-in-main.ts");
  child = spawn(process.execPath, ["--import", "tsx", main, "--port", "0", "--model", join(dir, "model.json")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const stdout = child.stdout;
  if (!stdout) throw new Error("no stdout");
  const [line] = (await once(createInterface({ input: stdout }), "line")) as [string];
  const url = /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1];
  expect(url).toBeDefined();

  // The stand-in's blob URLs are on loopback, which downloads refuse unless allowed.
  const client = createHerokuClient({ apiUrl: url, dataApiUrl: url, token: TOKEN, outbound: loopbackOutboundPolicy() });
  const slug = await client.slug("shop", "slug-7");
  expect(slug.size).toBeGreaterThan(0);
  await client.download(slug.blob.url, join(dir, "copy.tgz"), { maxBytes: 1024 * 1024 });

  child.kill("SIGTERM");
  const [code] = await once(child, "exit");
  expect(code).toBe(0);
});
