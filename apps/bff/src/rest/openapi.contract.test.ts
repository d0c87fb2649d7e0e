// The REST face against its own OpenAPI document. Schemathesis (PyPI) reads GET /api/openapi.json,
// makes requests for every operation from its schemas (valid and invalid ones), and checks each
// answer's status, content type and body against the document. PGlite only: the contract does not
// depend on the database driver, and one run keeps the test within about two minutes on 2 cores.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, type TestBff } from "../testing.ts";
import { type ContractData, seedContractData } from "./contract-data.ts";
import { runSchemathesis, schemathesisBinary, schemathesisConfig } from "./schemathesis.ts";

// Admin-only operations whose answers the member's run sees only as 403s. The Nix store ones are
// not run as an admin: they collect or rewrite this machine's shared Nix store, not the test's.
const ADMIN_OPERATIONS = ["listUsers", "createUser", "getBuildCache", "pruneBuildCache", "rotateKeys"];

describe("the REST contract (Schemathesis against /api/openapi.json; PGlite)", () => {
  let t: TestBff;
  let base: string;
  let data: ContractData;
  let work: string;
  beforeAll(async () => {
    t = await createTestBff("pglite");
    base = await t.listen();
    data = await seedContractData(t);
    work = mkdtempSync(join(tmpdir(), "skypanel-contract-"));
  });
  afterAll(async () => {
    await t?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("documents every route the REST app serves, and serves every route it documents", async () => {
    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: Record<string, object> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
    );
    // Middleware and the JSON 404 for unknown paths are ALL; tRPC has its own client and types.
    const served = t.app.routes
      .filter((r) => r.path.startsWith("/api/") && r.method !== "ALL" && !r.path.startsWith("/api/trpc/"))
      .map((r) => `${r.method} ${r.path}`);
    expect(new Set(served)).toEqual(new Set(documented));
    expect(served).toHaveLength(documented.length);
  });

  it("serves the document without authentication, and a reference page the CSP lets render", async () => {
    const res = await fetch(`${base}/api/openapi.json`);
    expect(res.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: the test reads the document's fields directly
    const doc = (await res.json()) as any;
    expect(doc).toMatchObject({ openapi: "3.1.0", components: { securitySchemes: { bearerToken: { scheme: "bearer" } } } });
    expect(doc.paths["/api/apps/{app}/builds"].post.requestBody.content).toHaveProperty("multipart/form-data");
    expect(doc.paths["/api/apps/{app}/logs"].get.responses["200"].content).toHaveProperty("text/event-stream");
    const page = await fetch(`${base}/api/docs`);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("/api/apps/{app}/builds/{id}/logs");
    expect(html).toContain('id="schema-Build"');
  });

  it("answers every operation as documented: statuses, content types and bodies (Schemathesis)", { timeout: 240_000 }, async () => {
    schemathesisBinary(); // Fails with how to install it, rather than skipping.
    const started = Date.now();
    const url = `${base}/api/openapi.json`;
    const member = await runSchemathesis(work, "member", schemathesisConfig(data, data.memberToken), url, []);
    const admin = await runSchemathesis(
      work,
      "admin",
      schemathesisConfig(data, data.adminToken),
      url,
      ADMIN_OPERATIONS.flatMap((id) => ["--include-operation-id", id]),
    );
    console.log(`[contract] Schemathesis runs took ${Math.round((Date.now() - started) / 1000)} s`);
    expect(member.code, member.output).toBe(0);
    expect(admin.code, admin.output).toBe(0);
  });
});
