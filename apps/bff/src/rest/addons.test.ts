// Against the real PostgreSQL on this machine (the add-on server); no Redis server is registered here.
import { TEST_PG_ADMIN_URL } from "@skypanel/db/testing";
import { dropPostgresAddon } from "@skypanel/engine/addons-testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBff, type TestBff } from "../testing.ts";

describe("managed add-ons over REST", () => {
  let t: TestBff;
  let token: string;
  let strangerToken: string;
  const made: string[] = [];
  beforeAll(async () => {
    t = await createTestBff("pglite", { addons: { postgresUrl: TEST_PG_ADMIN_URL } });
    await t.engine.users.createFirstAdmin({ email: "ops@example.com", password: "correct horse battery" });
    token = await t.login("ops@example.com");
    await t.rest("POST", "/api/users", { token, body: { email: "eve@example.com", password: "correct horse battery" } });
    strangerToken = await t.login("eve@example.com");
    await t.rest("POST", "/api/apps", { token, body: { name: "addon-app" } });
    await t.rest("POST", "/api/apps", { token, body: { name: "addon-reader" } });
  });
  afterAll(async () => {
    for (const resource of made) await dropPostgresAddon(TEST_PG_ADMIN_URL, resource);
    await t.close();
  });

  it("creates (201), reads, lists and destroys (with confirm) a PostgreSQL add-on", async () => {
    const created = await t.rest("POST", "/api/apps/addon-app/addons", { token, body: { type: "postgresql", plan: "standard" } });
    expect(created.status).toBe(201);
    made.push(created.body.resource);
    expect(created.body).toMatchObject({ type: "postgresql", plan: "standard", status: "available", attachedAs: "DATABASE_URL" });
    expect(JSON.stringify(created.body)).not.toMatch(/postgres:\/\//);
    const id = created.body.id;
    expect((await t.rest("GET", `/api/apps/addon-app/addons/${id}`, { token })).body.id).toBe(id);
    expect((await t.rest("GET", "/api/apps/addon-app/addons", { token })).body.addons.map((a: { id: string }) => a.id)).toEqual([id]);

    const clash = await t.rest("POST", "/api/apps/addon-app/addons", { token, body: { type: "postgresql" } });
    expect(clash.status).toBe(409);
    expect((await t.rest("DELETE", `/api/apps/addon-app/addons/${id}`, { token })).status).toBe(400);
    const destroyed = await t.rest("DELETE", `/api/apps/addon-app/addons/${id}?confirm=addon-app`, { token });
    expect(destroyed.status).toBe(200);
    expect((await t.rest("GET", `/api/apps/addon-app/addons/${id}`, { token })).status).toBe(404);
  });

  it("answers 400 for bad input, 404 to strangers and 412 when no server of that type is registered", async () => {
    expect((await t.rest("POST", "/api/apps/addon-app/addons", { token, body: { type: "mysql" } })).status).toBe(400);
    expect((await t.rest("POST", "/api/apps/addon-app/addons", { token, body: { type: "postgresql", as: "1BAD" } })).status).toBe(400);
    expect((await t.rest("POST", "/api/apps/addon-app/addons", { token, rawBody: "{not json" })).status).toBe(400);
    expect((await t.rest("GET", "/api/apps/addon-app/addons", { token: strangerToken })).status).toBe(404);
    expect((await t.rest("POST", "/api/apps/addon-app/addons", { token: strangerToken, body: { type: "postgresql" } })).status).toBe(404);
    const missing = await t.rest("POST", "/api/apps/addon-app/addons", { token, body: { type: "redis" } });
    expect(missing.status).toBe(412);
    expect(missing.body.error.message).toContain("SKYPANEL_ADDON_REDIS_URL");
  });

  it("attaches to a second app (201); a clashing name there is a 409 that changes nothing; only the owner backs up", async () => {
    const created = await t.rest("POST", "/api/apps/addon-app/addons", { token, body: { type: "postgresql" } });
    made.push(created.body.resource);
    const path = `/api/apps/addon-app/addons/${created.body.id}`;
    await t.rest("POST", "/api/apps/addon-reader/config/vars", { token, body: { vars: { DATABASE_URL: "postgres://own/db" } } });

    const clash = await t.rest("POST", `${path}/attachments`, { token, body: { app: "addon-reader" } });
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toContain("DATABASE_URL");
    const reader = await t.rest("GET", "/api/apps/addon-reader/config?reveal=secrets", { token });
    expect(reader.body.vars).toEqual({ DATABASE_URL: "postgres://own/db" });
    expect((await t.rest("POST", `${path}/attachments`, { token: strangerToken, body: { app: "addon-reader", as: "X_URL" } })).status).toBe(
      404,
    );

    const attached = await t.rest("POST", `${path}/attachments`, { token, body: { app: "addon-reader", as: "SHARED_DATABASE_URL" } });
    expect(attached.status).toBe(201);
    expect(attached.body.attachments.map((a: { app: string; as: string }) => `${a.app}:${a.as}`)).toEqual([
      "addon-app:DATABASE_URL",
      "addon-reader:SHARED_DATABASE_URL",
    ]);
    const seenFromReader = (await t.rest("GET", "/api/apps/addon-reader/addons", { token })).body.addons;
    expect(seenFromReader).toEqual([
      expect.objectContaining({ id: created.body.id, owner: expect.objectContaining({ name: "addon-app" }) }),
    ]);
    // Backups and destroy go through the owner.
    expect((await t.rest("POST", `/api/apps/addon-reader/addons/${created.body.id}/backups`, { token })).status).toBe(403);
    expect((await t.rest("POST", `/api/apps/addon-reader/addons/${created.body.id}/detach`, { token })).status).toBe(200);
    const after = await t.rest("GET", "/api/apps/addon-reader/config", { token });
    expect(Object.keys(after.body.vars)).toEqual(["DATABASE_URL"]);

    expect((await t.rest("PUT", `${path}/backups/schedule`, { token, body: { hour: 25 } })).status).toBe(400);
    expect((await t.rest("PUT", `${path}/backups/schedule`, { token, body: { hour: 4 } })).body).toEqual({ backupHour: 4 });
    expect((await t.rest("DELETE", `${path}?confirm=addon-app`, { token })).status).toBe(200);
  });
});
