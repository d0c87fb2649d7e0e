// The S3 tier of the dependency cache, against a local S3 API server (s3rver), real Nix and
// npm's registry. Two engines with their own databases share one bucket, as two hosts would.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { createTestEngine, type TestEngine } from "../testing.ts";
import { copyFixture, uploadDir, waitForBuild } from "./testing.ts";

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : [],
  );
}

describe("remote dependency cache on an S3 API server", { timeout: 300_000 }, () => {
  let server: S3rver;
  let s3dir: string;
  let endpoint: string;
  const engines: TestEngine[] = [];
  const engineWithRemote = async () => {
    const t = await createTestEngine("pglite", {
      builds: {
        concurrency: 1,
        remoteCache: {
          endpoint,
          bucket: "layers",
          region: "us-east-1",
          accessKeyId: "S3RVER",
          secretAccessKey: "S3RVER",
          prefix: "skypanel",
        },
      },
    });
    await t.engine.start();
    engines.push(t);
    const actor = await t.user("ops@example.com");
    await t.engine.apps.create(actor, { name: "cached-app" });
    return { t, actor };
  };
  const build = async (t: TestEngine, actor: Actor, src: string) => {
    const queued = await t.engine.builds.create(actor, "cached-app", uploadDir(t.home, src));
    const done = await waitForBuild(t.engine, actor, "cached-app", queued.id);
    const log = (await t.engine.builds.log(actor, "cached-app", done.id)).lines.map((l) => l.text).join("\n");
    return { build: done, log };
  };

  beforeAll(async () => {
    s3dir = mkdtempSync(join(tmpdir(), "skypanel-s3-"));
    server = new S3rver({ port: 0, address: "127.0.0.1", directory: s3dir, silent: true });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
    const s3 = new S3Client({
      endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    await s3.send(new CreateBucketCommand({ Bucket: "layers" }));
  });
  afterAll(async () => {
    for (const t of engines) await t.close();
    await server.close();
  });

  it("uploads a fetched layer, and a second host imports it instead of fetching", async () => {
    const src = copyFixture("node-npm-express");
    // A lockfile no earlier run has cached, so the first host really fetches.
    const pkgFile = join(src, "package.json");
    const pkg = JSON.parse(execFileSync("cat", [pkgFile], { encoding: "utf8" }));
    pkg.description = `remote cache test ${Date.now()}`;
    writeFileSync(pkgFile, JSON.stringify(pkg));
    const a = await engineWithRemote();
    const first = await build(a.t, a.actor, src);
    expect(first.build.status, first.log).toBe("succeeded");
    expect(first.log).toMatch(/uploaded to the remote cache/);
    const objects = filesUnder(s3dir).filter((f) => f.includes(first.build.cacheKey ?? "-"));
    expect(objects.length).toBeGreaterThan(0);

    // The second host has its own database, so nothing local tells it about the layer: it asks
    // the bucket. (Both hosts share this machine's /nix/store, where the import is a no-op; a
    // build output's derivation keeps the layer alive, so it cannot be deleted to prove more.)
    const b = await engineWithRemote();
    const second = await build(b.t, b.actor, src);
    expect(second.build.status, second.log).toBe("succeeded");
    expect(second.log).toMatch(/remote cache hit/);
    expect(second.log).not.toMatch(/npm ci/);
    expect(second.build.stages.find((s) => s.name === "dependencies")?.detail).toBe("remote cache hit");
  });

  it("refuses a remote layer whose bytes were changed, and fetches instead", async () => {
    const src = copyFixture("node-npm-express");
    const pkgFile = join(src, "package.json");
    const pkg = JSON.parse(execFileSync("cat", [pkgFile], { encoding: "utf8" }));
    pkg.description = `tamper test ${Date.now()}`;
    writeFileSync(pkgFile, JSON.stringify(pkg));
    const a = await engineWithRemote();
    const first = await build(a.t, a.actor, src);
    expect(first.build.status).toBe("succeeded");
    const [object] = filesUnder(s3dir)
      .filter((f) => f.includes(first.build.cacheKey ?? "-") && !f.endsWith(".json") && !f.includes("metadata"))
      .sort((x, y) => statSync(y).size - statSync(x).size);
    expect(object).toBeDefined();
    writeFileSync(object ?? "", Buffer.alloc(statSync(object ?? "").size, 7));
    const b = await engineWithRemote();
    const second = await build(b.t, b.actor, src);
    expect(second.build.status, second.log).toBe("succeeded");
    expect(second.log).toMatch(/remote cache: .*does not match its checksum; fetching instead/);
    // Its own local store still had the layer? Either way it did not use the damaged copy.
    expect(second.build.stages.find((s) => s.name === "dependencies")?.detail).not.toBe("remote cache hit");
  });
});
