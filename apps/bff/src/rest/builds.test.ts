// Builds through the REST face and git push, against real Nix, git and npm's registry (PGlite).
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { copyFixture, editedFixture } from "@skypanel/engine/build-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, type TestBff } from "../testing.ts";

const execFileAsync = promisify(execFile);

function tarGz(dir: string): Buffer {
  const out = join(mkdtempSync(join(tmpdir(), "skypanel-tgz-")), "app.tar.gz");
  execFileSync("tar", ["-czf", out, "-C", dir, "."]);
  return readFileSync(out);
}

function multipart(file: Buffer, filename: string, field = "archive") {
  const boundary = `----skypanel${Date.now()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/gzip\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { body: Buffer.concat([head, file, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe("builds over HTTP (real Nix and git, PGlite)", { timeout: 300_000 }, () => {
  let t: TestBff;
  let url: string;
  let token: string;
  let apiToken: string;

  const upload = async (app: string, file: Buffer, filename = "app.tar.gz", auth = token) => {
    const { body, contentType } = multipart(file, filename);
    const res = await fetch(`${url}/api/apps/${app}/builds`, {
      method: "POST",
      headers: { authorization: `Bearer ${auth}`, "content-type": contentType },
      body,
    });
    return { status: res.status, body: (await res.json()) as { id: string; status: string; error?: { code: string; message: string } } };
  };
  const waitFor = async (app: string, id: string) => {
    for (let i = 0; i < 1200; i++) {
      const res = await t.rest("GET", `/api/apps/${app}/builds/${id}`, { token });
      if (["succeeded", "failed", "cancelled"].includes(res.body.status)) return res.body;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error("build did not finish");
  };

  beforeAll(async () => {
    t = await createTestBff("pglite", { builds: { concurrency: 2, timeoutMs: 5 * 60_000 } });
    await t.engine.start();
    url = await t.listen();
    await t.engine.users.createFirstAdmin({ email: "dev@example.com", password: "correct horse battery" });
    token = await t.login("dev@example.com");
    apiToken = (await t.rest("POST", "/api/tokens", { token, body: { name: "git", scope: "deploy" } })).body.token;
    await t.rest("POST", "/api/apps", { token, body: { name: "web-shop" } });
  });
  afterAll(async () => {
    await t.close();
  });

  it("builds an uploaded archive: 202 at once, then the build with its stages, plan and cache state", async () => {
    const res = await upload("web-shop", tarGz(copyFixture("node-npm-express")));
    expect(res).toMatchObject({ status: 202, body: { id: expect.any(String), status: "queued" } });
    const build = await waitFor("web-shop", res.body.id);
    expect(build).toMatchObject({
      status: "succeeded",
      plan: { stack: "nodejs" },
      cache: { hit: false, key: expect.any(String) },
      durationMs: expect.any(Number),
      source: { type: "archive", filename: "app.tar.gz" },
    });
    expect(build.stages).toHaveLength(7);
    const listed = await t.rest("GET", "/api/apps/web-shop/builds", { token });
    expect(listed.body.builds[0]).toMatchObject({ id: res.body.id, status: "succeeded" });
    const log = await fetch(`${url}/api/apps/web-shop/builds/${res.body.id}/logs`, { headers: { authorization: `Bearer ${token}` } });
    expect(log.headers.get("content-type")).toMatch(/text\/plain/);
    expect(await log.text()).toMatch(/build succeeded/);
  });

  it("streams a running build's log as Server-Sent Events, resumable by Last-Event-ID", async () => {
    const src = editedFixture("node-npm-express", (pkg) => {
      pkg.scripts.build = "node -e \"let i=0; const t=setInterval(()=>{console.log('tick '+(++i)); if(i===6) clearInterval(t)}, 300)\"";
    });
    const { body } = await upload("web-shop", tarGz(src));
    const res = await fetch(`${url}/api/apps/web-shop/builds/${body.id}/logs`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const text = await res.text();
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids.length).toBeGreaterThan(5);
    expect(ids).toEqual(ids.map((_, i) => (ids[0] ?? 1) + i));
    expect(text, text).toMatch(/data: tick 6/);
    expect(text).toMatch(/event: end\ndata: succeeded/);
    // After the finish, the same URL gives plain text, and ?after= skips what was seen.
    const all = await (
      await fetch(`${url}/api/apps/web-shop/builds/${body.id}/logs`, { headers: { authorization: `Bearer ${token}` } })
    ).text();
    const rest = await (
      await fetch(`${url}/api/apps/web-shop/builds/${body.id}/logs?after=3`, { headers: { authorization: `Bearer ${token}` } })
    ).text();
    expect(all.split("\n").slice(3).join("\n")).toBe(rest);
  });

  it("refuses what is not an archive with a 400, a too-large upload with a 413, and strangers with a 404", async () => {
    const notArchive = await upload("web-shop", Buffer.from("just some text, not an archive"), "notes.txt");
    expect(notArchive.status).toBe(400);
    expect(notArchive.body.error?.message).toMatch(/archive/i);
    const big = await upload("web-shop", Buffer.alloc(6 * 1024 * 1024, 1));
    expect(big.status).toBe(413);
    // A part header busboy cannot read is a 400 at once, not an upload left hanging.
    const garbled = await fetch(`${url}/api/apps/web-shop/builds`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "multipart/form-data; boundary=XX" },
      body: Buffer.from('--XX\r\nContent-Disposition: form-data; name="\u0013\u00bd"\r\n\r\nabc\r\n--XX--\r\n', "latin1"),
      signal: AbortSignal.timeout(5000),
    });
    expect(garbled.status).toBe(400);
    await t.rest("POST", "/api/users", { token, body: { email: "eve@example.com", password: "correct horse battery" } });
    const eve = await t.login("eve@example.com");
    expect((await upload("web-shop", tarGz(copyFixture("node-npm-express")), "app.tar.gz", eve)).status).toBe(404);
    // A viewer of a shared app may look but not build: 403, and the uploaded bytes are dropped.
    const admin = await t.caller(token);
    const team = await admin.teams.create({ name: "shop-team" });
    await admin.teams.addMember({ teamId: team.id, email: "eve@example.com", role: "viewer" });
    await t.rest("POST", "/api/apps", { token, body: { name: "team-shop", teamId: team.id } });
    expect((await upload("team-shop", tarGz(copyFixture("node-npm-express")), "app.tar.gz", eve)).status).toBe(403);
    expect(existsSync(join(t.home, "uploads")) ? execFileSync("ls", [join(t.home, "uploads")], { encoding: "utf8" }).trim() : "").toBe("");
  });

  it("fails a build from an archive with a ../ entry, naming the entry, and writes nothing outside", async () => {
    const dir = mkdtempSync(join(tmpdir(), "skypanel-evil-"));
    writeFileSync(join(dir, "package.json"), "{}");
    const archive = join(dir, "evil.tar");
    // GNU tar keeps a leading ../ with -P; the archive holds ../../skypanel-escaped.
    execFileSync("tar", ["-cPf", archive, "--transform", "s,^.*package.json$,../../skypanel-escaped,", join(dir, "package.json")]);
    const res = await upload("web-shop", readFileSync(archive), "evil.tar");
    expect(res.status).toBe(202);
    const build = await waitFor("web-shop", res.body.id);
    expect(build.status).toBe("failed");
    expect(build.error).toMatch(/skypanel-escaped/);
    expect(build.stages[0]).toMatchObject({ name: "fetch", status: "failed" });
    expect(existsSync(join(t.home, "builds", "skypanel-escaped"))).toBe(false);
    expect(existsSync(join(t.home, "skypanel-escaped"))).toBe(false);
  });

  it("builds a git push to main, with an API token as the password; a wrong token is refused", async () => {
    const repo = copyFixture("node-npm-express");
    // Asynchronous: the server answering git runs in this same process.
    const git = async (...args: string[]) =>
      (await execFileAsync("git", args, { cwd: repo, encoding: "utf8", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } })).stdout;
    await git("init", "-q", "-b", "main");
    await git("-c", "user.email=dev@example.com", "-c", "user.name=dev", "add", ".");
    await git("-c", "user.email=dev@example.com", "-c", "user.name=dev", "commit", "-qm", "first");
    const sha = (await git("rev-parse", "HEAD")).trim();
    const remote = (secret: string) => `${url.replace("http://", `http://git:${secret}@`)}/git/web-shop.git`;
    const refused = await git("push", remote("spt_wrong"), "main").then(
      () => null,
      (err: { stderr: string }) => err,
    );
    expect(refused?.stderr).toMatch(/401|Authentication failed|not valid/);
    await git("push", "-q", remote(apiToken), "main");
    let pushBuild: { id: string; status: string; commitSha: string; source: { type: string } } | undefined;
    for (let i = 0; i < 100 && !pushBuild; i++) {
      const list = await t.rest("GET", "/api/apps/web-shop/builds", { token });
      pushBuild = list.body.builds.find((b: { source: { type: string } }) => b.source.type === "push");
      if (!pushBuild) await new Promise((r) => setTimeout(r, 100));
    }
    expect(pushBuild?.source).toEqual({ type: "push", ref: "main", sha });
    const done = await waitFor("web-shop", pushBuild?.id ?? "");
    expect(done).toMatchObject({ status: "succeeded", commitSha: sha });
    // A push to another branch is stored but not built.
    await git("checkout", "-q", "-b", "feature");
    await git("push", "-q", remote(apiToken), "feature");
    await new Promise((r) => setTimeout(r, 500));
    const builds = (await t.rest("GET", "/api/apps/web-shop/builds", { token })).body.builds;
    expect(builds.filter((b: { source: { type: string } }) => b.source.type === "push")).toHaveLength(1);
  });

  it("cancels a running build with DELETE", async () => {
    const src = editedFixture("node-npm-express", (pkg) => {
      pkg.scripts.build = 'node -e "setTimeout(() => {}, 600000)"';
    });
    const { body } = await upload("web-shop", tarGz(src));
    for (let i = 0; i < 600; i++) {
      const b = await t.rest("GET", `/api/apps/web-shop/builds/${body.id}`, { token });
      if (b.body.stages.find((s: { name: string }) => s.name === "build").status === "running") break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const cancel = await t.rest("DELETE", `/api/apps/web-shop/builds/${body.id}`, { token });
    expect(cancel.body).toEqual({ id: body.id, status: "cancelling" });
    expect((await waitFor("web-shop", body.id)).status).toBe("cancelled");
    expect((await t.rest("DELETE", `/api/apps/web-shop/builds/${body.id}`, { token })).status).toBe(409);
  });

  it("lets only a platform admin see the build cache, prune it and collect the store's garbage", async () => {
    const cache = await t.rest("GET", "/api/admin/build-cache", { token });
    expect(cache.status).toBe(200);
    expect(cache.body.entries.length).toBeGreaterThan(0);
    expect(cache.body.totalBytes).toBeGreaterThan(0);
    const dryPrune = await t.rest("POST", "/api/admin/build-cache/prune", { token, body: { maxBytes: 0, dryRun: true } });
    expect(dryPrune.body).toMatchObject({ dryRun: true, keptBytes: 0 });
    expect(dryPrune.body.removed.length).toBe(cache.body.entries.length);
    expect((await t.rest("GET", "/api/admin/build-cache", { token })).body.entries.length).toBe(cache.body.entries.length);
    const gc = await t.rest("POST", "/api/admin/nix/gc", { token, body: { dryRun: true } });
    expect(gc.body).toMatchObject({ dryRun: true, paths: expect.any(Number), bytes: expect.any(Number) });
    expect((await t.rest("POST", "/api/admin/build-cache/prune", { token, body: { maxAgeDays: -1 } })).status).toBe(400);
    const eve = await t.login("eve@example.com");
    expect((await t.rest("GET", "/api/admin/build-cache", { token: eve })).status).toBe(403);
    expect((await t.rest("POST", "/api/admin/nix/gc", { token: eve, body: {} })).status).toBe(403);
  });
});
