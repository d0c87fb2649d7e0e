import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../actor.ts";
import { AppNameTakenError, AppNotFoundError, ForbiddenError, TeamNotFoundError, ValidationError } from "../errors.ts";
import { createTestEngine, TEST_DRIVERS, type TestEngine } from "../testing.ts";

describe.each(TEST_DRIVERS)("transferring an app to another team on %s", (driver) => {
  let t: TestEngine;
  let ada: Actor;
  let ben: Actor;
  let cy: Actor;
  let shopTeam: string;
  let opsTeam: string;
  let viewTeam: string;

  const teamOf = async (name: string) =>
    (await t.database.sql.query<{ team_id: string }>("SELECT team_id FROM applications WHERE name = $1", [name]))[0]?.team_id;

  beforeAll(async () => {
    t = await createTestEngine(driver);
    ada = await t.user("ada@example.com");
    ben = await t.user("ben@example.com");
    cy = await t.user("cy@example.com");
    // ada owns Shop (ben is a member there); ben owns Ops (ada is a member there); ada only views Views.
    shopTeam = (await t.engine.teams.create(ada, { name: "Shop" })).id;
    opsTeam = (await t.engine.teams.create(ben, { name: "Ops" })).id;
    viewTeam = (await t.engine.teams.create(ben, { name: "Views" })).id;
    await t.engine.teams.addMember(ada, { teamId: shopTeam, email: "ben@example.com", role: "member" });
    await t.engine.teams.addMember(ben, { teamId: opsTeam, email: "ada@example.com", role: "member" });
    await t.engine.teams.addMember(ben, { teamId: viewTeam, email: "ada@example.com", role: "viewer" });
    await t.engine.apps.create(ada, { name: "moving-app", teamId: shopTeam });
    await t.engine.config.set(ada, "moving-app", { KEEP: "me" });
    await t.engine.domains.add(ada, "moving-app", "moving.example.com");
  });
  afterAll(async () => {
    await t.close();
  });

  it("refuses a member of the app's team: transferring needs admin or owner", async () => {
    await expect(t.engine.apps.transfer(ben, "moving-app", opsTeam)).rejects.toThrow(/member.*admin or above/);
    expect(await teamOf("moving-app")).toBe(shopTeam);
  });

  it("refuses a target team where the actor is only a viewer, one the actor is not in, and a bad id", async () => {
    await expect(t.engine.apps.transfer(ada, "moving-app", viewTeam)).rejects.toBeInstanceOf(ForbiddenError);
    const stranger = (await t.engine.teams.create(cy, { name: "Cy's" })).id;
    await expect(t.engine.apps.transfer(ada, "moving-app", stranger)).rejects.toBeInstanceOf(TeamNotFoundError);
    await expect(t.engine.apps.transfer(ada, "moving-app", "not-a-team")).rejects.toBeInstanceOf(TeamNotFoundError);
    await expect(t.engine.apps.transfer(ada, "moving-app", shopTeam)).rejects.toBeInstanceOf(ValidationError);
    await expect(t.engine.apps.transfer(cy, "moving-app", stranger)).rejects.toBeInstanceOf(AppNotFoundError);
    expect(await teamOf("moving-app")).toBe(shopTeam);
  });

  it("cannot meet a name clash in the target team, because app names are unique across teams", async () => {
    // The clash the transfer would have to refuse cannot be created in the first place.
    await expect(t.engine.apps.create(ben, { name: "moving-app", teamId: opsTeam })).rejects.toBeInstanceOf(AppNameTakenError);
    const named = await t.database.sql.query("SELECT id FROM applications WHERE name = 'moving-app'");
    expect(named).toHaveLength(1);
  });

  it("moves the app with its config and domains, audited, to a team where the owner is a member", async () => {
    const moved = await t.engine.apps.transfer(ada, "moving-app", opsTeam);
    expect(moved).toMatchObject({ name: "moving-app", teamId: opsTeam, teamName: "Ops" });
    expect(await teamOf("moving-app")).toBe(opsTeam);
    expect((await t.engine.config.get(ben, "moving-app")).vars).toMatchObject([{ key: "KEEP", value: "me" }]);
    expect((await t.engine.domains.list(ben, "moving-app")).map((d) => d.hostname)).toEqual(["moving.example.com"]);
    const [entry] = await t.engine.audit.forApp(ben, "moving-app", { limit: 1 });
    expect(entry).toMatchObject({ action: "applications.update", actorId: ada.userId, details: { changed: ["team_id"] } });
    // ada is only a member of Ops: she can still change the app but no longer delete it.
    expect((await t.engine.apps.get(ada, "moving-app")).role).toBe("member");
    await expect(t.engine.apps.delete(ada, "moving-app")).rejects.toBeInstanceOf(ForbiddenError);
  });
});
