// tokens:create against a recording HTTP stub (not the platform): what it sends and prints.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type Stub, stubServer } from "./testing/io.ts";

describe("skypanel tokens:create (a recording stub server)", () => {
  let stub: Stub;
  beforeAll(async () => {
    stub = await stubServer((_req, body) => ({
      status: 201,
      body: {
        id: "0b1c",
        name: "ci",
        prefix: "spt_abcdef",
        scope: JSON.parse(body).scope,
        createdAt: "",
        expiresAt: null,
        token: "spt_secret",
      },
    }));
  });
  afterAll(async () => {
    await stub.close();
  });

  it("sends the scope asked for, and prints the token once", async () => {
    const made = await runCli(["tokens:create", "ci", "--scope", "deploy", "--expires-in-days", "30"], {
      env: { SKYPANEL_URL: stub.url, SKYPANEL_API_KEY: "spt_admin" },
    });
    expect(made).toMatchObject({ code: 0, stdout: "Created token ci with the deploy scope. It is shown this once:\nspt_secret\n" });
    expect(stub.requests.map((r) => [r.method, r.url, JSON.parse(r.body)])).toEqual([
      ["POST", "/api/tokens", { name: "ci", scope: "deploy", expiresInDays: 30 }],
    ]);
  });

  it("refuses a scope that does not exist before sending anything", async () => {
    const sent = stub.requests.length;
    const refused = await runCli(["tokens:create", "ci", "--scope", "root"], {
      env: { SKYPANEL_URL: stub.url, SKYPANEL_API_KEY: "spt_admin" },
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("--scope is one of read, deploy, admin");
    expect(stub.requests).toHaveLength(sent);
  });
});
