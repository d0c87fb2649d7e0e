// The Heroku client against the STAND-IN for Heroku's APIs (Heroku itself is not reachable from
// the test machines): headers, paging, errors, retries, and blob downloads.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loopbackOutboundPolicy } from "../../net/index.ts";
import { createHerokuClient, type HerokuClient } from "./client.ts";
import type { HerokuApiError } from "./errors.ts";
import { type HerokuStandIn, startHerokuStandIn } from "./stand-in.ts";
import { shopModel, TOKEN } from "./test-fixtures.ts";

let dir: string;
let standIn: HerokuStandIn;
let client: HerokuClient;

// The stand-in's blob URLs are on loopback, which downloads refuse unless allowed.
const makeClient = (token = TOKEN) =>
  createHerokuClient({ apiUrl: standIn.url, dataApiUrl: standIn.dataUrl, token, maxRetryWaitMs: 1, outbound: loopbackOutboundPolicy() });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "heroku-client-"));
  standIn = await startHerokuStandIn(shopModel(dir));
  client = makeClient();
});

afterEach(async () => {
  await standIn.close();
  rmSync(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<HerokuApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (err === null) throw new Error("expected the call to fail");
  return err as HerokuApiError;
}

describe("Heroku client (against the Heroku stand-in)", () => {
  it("sends the bearer token and the version=3 Accept header, and reads RateLimit-Remaining", async () => {
    const app = await client.app("shop");
    expect(app).toMatchObject({ name: "shop", stack: { name: "heroku-24" }, region: { name: "eu" } });
    const [request] = standIn.requests;
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers.accept).toBe("application/vnd.heroku+json; version=3");
    expect(client.rateLimitRemaining()).toBeGreaterThan(0);
  });

  it("follows Next-Range across pages of two until Heroku answers 200", async () => {
    const apps = await client.listApps();
    expect(apps.map((a) => a.name).sort()).toEqual(["other-0", "other-1", "other-2", "other-3", "shop"]);
    const listing = standIn.requests.filter((r) => r.path === "/apps");
    expect(listing).toHaveLength(3);
    expect(listing[0]?.headers.range).toBeUndefined();
    expect(listing[1]?.headers.range).toMatch(/^id \]/);
  });

  it("finds the current release newest first, and the add-ons over two pages", async () => {
    const release = await client.currentRelease("shop");
    expect(release).toMatchObject({ version: 7, current: true, slug: { id: "slug-7" } });
    expect(standIn.requests.find((r) => r.path === "/apps/shop/releases")?.headers.range).toBe("version ..; order=desc, max=10");
    const addons = await client.addons("shop");
    expect(addons.map((a) => a.addon_service.name).sort()).toEqual(["heroku-postgresql", "heroku-redis", "papertrail"]);
    expect(await client.currentRelease("other-0")).toBeNull();
  });

  it("says the token was refused, without the token in the message", async () => {
    const wrong = "hrku-wrong-token-value";
    const err = await failure(makeClient(wrong).app("shop"));
    expect(err.code).toBe("UNAUTHORIZED");
    expect(err.message).toMatch(/Heroku refused the API token/);
    expect(err.message).not.toContain(wrong);
    expect(JSON.stringify(err.details)).not.toContain(wrong);
  });

  it("says which app Heroku does not have", async () => {
    const err = await failure(client.configVars("no-such-app"));
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toBe('Heroku has no app named "no-such-app" visible to this token.');
  });

  it("retries a 429 and then succeeds", async () => {
    standIn.failNext({ path: /^\/apps\/shop$/, status: 429, times: 2 });
    expect((await client.app("shop")).name).toBe("shop");
    expect(standIn.requests.filter((r) => r.path === "/apps/shop")).toHaveLength(3);
  });

  it("gives up after three 429s with a clear error", async () => {
    standIn.failNext({ path: /^\/apps\/shop$/, status: 429, times: 10 });
    const err = await failure(client.app("shop"));
    expect(err.code).toBe("TOO_MANY_REQUESTS");
    expect(err.message).toMatch(/rate limit .* used up/);
    expect(standIn.requests.filter((r) => r.path === "/apps/shop")).toHaveLength(3);
  });

  it("refuses an answer that is not JSON", async () => {
    standIn.failNext({ path: /^\/apps\/shop$/, status: 200, body: "<html>maintenance</html>" });
    const err = await failure(client.app("shop"));
    expect(err.message).toMatch(/answer to GET \/apps\/shop could not be used: it is not JSON \(text\/html\)/);
  });

  it("refuses an answer in the wrong shape, and one larger than the cap", async () => {
    standIn.failNext({ path: /^\/apps\/shop$/, status: 200, body: { id: 42 } });
    expect((await failure(client.app("shop"))).message).toMatch(/not the documented shape/);
    const small = createHerokuClient({ apiUrl: standIn.url, token: TOKEN, maxJsonBytes: 100 });
    expect((await failure(small.configVars("shop"))).message).toMatch(/larger than 100 bytes/);
  });

  it("refuses a token with a line break before sending anything", () => {
    expect(() => createHerokuClient({ apiUrl: standIn.url, token: `${TOKEN}\nX-Evil: 1` })).toThrow(/line breaks/);
    expect(standIn.requests).toHaveLength(0);
  });

  it("downloads the slug from its pre-signed URL without the token", async () => {
    const slug = await client.slug("shop", "slug-7");
    const file = join(dir, "downloaded.tgz");
    const { bytes } = await client.download(slug.blob.url, file, { maxBytes: 1024 * 1024 });
    expect(bytes).toBe(slug.size);
    expect(readFileSync(file)).toEqual(readFileSync(join(dir, "slug.tgz")));
    const blob = standIn.requests.find((r) => r.path.startsWith("/blobs/"));
    expect(blob?.headers.authorization).toBeUndefined();
  });

  it("refuses a blob over the byte cap and leaves no partial file", async () => {
    const slug = await client.slug("shop", "slug-7");
    const file = join(dir, "too-big.tgz");
    const err = await failure(client.download(slug.blob.url, file, { maxBytes: 10, what: "the slug" }));
    expect(err.message).toMatch(/^The slug is larger than 10 bytes/);
    expect(err.message).not.toContain("X-Amz-Signature");
    expect(existsSync(file)).toBe(false);
  });

  it("stops a blob of no declared size at the byte cap while it streams", async () => {
    standIn.failNext({ path: /^\/blobs\//, status: 200, body: "x".repeat(64 * 1024) });
    const slug = await client.slug("shop", "slug-7");
    const file = join(dir, "streamed.tgz");
    const err = await failure(client.download(slug.blob.url, file, { maxBytes: 1000, what: "the slug" }));
    expect(err.message).toMatch(/^The slug is larger than 1000 bytes/);
    expect(existsSync(file)).toBe(false);
  });

  it("says when a blob is gone, naming only its host", async () => {
    const err = await failure(client.download(`${standIn.url}/blobs/unknown?X-Amz-Signature=s3cr3t`, join(dir, "x"), { maxBytes: 10 }));
    expect(err.message).toMatch(/failed with HTTP 404/);
    expect(err.message).not.toContain("s3cr3t");
    expect(existsSync(join(dir, "x"))).toBe(false);
  });

  it("finds the latest succeeded backup and a URL for its dump", async () => {
    const backup = await client.latestBackup("shop");
    expect(backup).toMatchObject({ num: 1, succeeded: true, to_type: "gof3r" });
    expect(await client.latestBackup("shop", ["SOME_OTHER_DATABASE"])).toBeNull();
    const { url } = await client.backupUrl("shop", 1);
    const file = join(dir, "b001.download");
    await client.download(url, file, { maxBytes: 1024 * 1024 });
    expect(readFileSync(file).subarray(0, 5).toString()).toBe("PGDMP");
    const data = standIn.requests.find((r) => r.path === "/client/v11/apps/shop/transfers");
    expect(data?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(await client.latestBackup("other-0")).toBeNull();
  });
});
