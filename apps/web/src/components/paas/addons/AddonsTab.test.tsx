import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { formatDateTime } from "../../../lib/format.ts";
import { renderWithBackend } from "../../../test/render.tsx";
import type { StubBackup } from "../../../test/stubAddons.ts";
import { createStubBackend, type StubAddon, stubAddon, stubApp, stubBackup } from "../../../test/stubBackend.ts";
import { AppDashboard } from "../AppDashboard.tsx";

const SHOP_DB = stubAddon("web-shop", "postgresql", 1, { plan: "standard" });
const SHOP_CACHE = stubAddon("web-shop", "redis", 2);
// Owned by other-app and attached to web-shop as OTHER_DB.
const SHARED = stubAddon("other-app", "postgresql", 3, {
  attachments: [
    { id: "att-3", appId: "id-other-app", as: "DATABASE_URL" },
    { id: "att-4", appId: "id-web-shop", as: "OTHER_DB" },
  ],
});
// Polls run every 2 s: a poll's answer shows within this long.
const POLLED = { timeout: 4000 };

function openAddons(
  init: {
    role?: "owner" | "viewer";
    addons?: StubAddon[];
    backups?: StubBackup[];
    vars?: Record<string, Record<string, string>>;
    servers?: { postgresql: boolean; redis: boolean };
  } = {},
) {
  const backend = createStubBackend({
    role: init.role ?? "owner",
    apps: [stubApp("web-shop"), stubApp("other-app")],
    vars: init.vars ?? {},
    addons: { addons: init.addons ?? [], backups: init.backups ?? [], ...(init.servers ? { servers: init.servers } : {}) },
  });
  renderWithBackend(<AppDashboard />, { fetch: backend.fetch, path: "/paas/apps/:id/*", url: "/paas/apps/web-shop/addons" });
  return backend;
}

const card = async (name: string) => within(await screen.findByRole("listitem", { name }));
const createForm = () => within(screen.getByRole("form", { name: "Create an add-on" }));
/** "web-shop as DATABASE_URL" for each app the add-on's card lists it as attached to. */
const attachments = (addonCard: { getAllByTestId: (id: string) => HTMLElement[] }) =>
  addonCard.getAllByTestId("addon-attachment").map((a) => a.querySelector("span")?.textContent);
const calls = (backend: ReturnType<typeof openAddons>, path: string) => backend.state.calls.filter((c) => c.path === path);

describe("Add-ons tab (stub tRPC server behind fetch)", () => {
  it("is a tab of the app with its own address, listing each add-on with its plan, var and attachments", async () => {
    openAddons({ addons: [SHOP_DB, SHOP_CACHE, SHARED] });
    const tab = within(await screen.findByRole("navigation", { name: "App sections" })).getByRole("link", { name: "Add-ons" });
    expect(tab.getAttribute("href")).toBe("/paas/apps/web-shop/addons");

    const db = await card(SHOP_DB.name);
    expect(db.getByText("PostgreSQL · standard plan · up to 20 connections")).toBeTruthy();
    expect(db.getByTestId("addon-status").textContent).toBe("Status: available");
    expect(attachments(db)).toEqual(["web-shop as DATABASE_URL"]);
    expect(db.getByRole("region", { name: `Backups of ${SHOP_DB.name}` })).toBeTruthy();

    const cache = await card(SHOP_CACHE.name);
    expect(cache.getByText("Redis · hobby plan")).toBeTruthy();
    expect(cache.getByText("REDIS_URL", { selector: "dd code" })).toBeTruthy();
    // Only PostgreSQL add-ons have backups.
    expect(cache.queryByRole("region", { name: /Backups/ })).toBeNull();
    expect(cache.queryByRole("button", { name: /Back up/ })).toBeNull();

    // Another app's add-on: seen under its var here, managed from its owner.
    const shared = await card(SHARED.name);
    expect(shared.getByRole("link", { name: "other-app" }).getAttribute("href")).toBe("/paas/apps/other-app/addons");
    expect(attachments(shared)).toEqual(["web-shop as OTHER_DB"]);
    expect(shared.queryByRole("region", { name: /Backups/ })).toBeNull();
    expect(shared.queryByRole("button", { name: /Destroy/ })).toBeNull();
  });

  it("says what add-ons are when the app has none, and offers the form to create one", async () => {
    openAddons();
    const empty = await screen.findByTestId("addons-empty");
    expect(empty.textContent).toMatch(/^No add-ons yet/);
    expect(empty.textContent).toMatch(/PostgreSQL database or a Redis cache/);
    expect(createForm().getByRole("button", { name: "Create add-on" })).toBeTruthy();
  });

  it("creates a PostgreSQL add-on: the button says it is working, then the new card shows it set as DATABASE_URL", async () => {
    const backend = openAddons();
    await screen.findByTestId("addons-empty");
    let provisioned = () => {};
    backend.state.addons.creating = new Promise<void>((resolve) => {
      provisioned = resolve;
    });
    await userEvent.selectOptions(createForm().getByRole("combobox", { name: "Plan" }), "standard");
    await userEvent.click(createForm().getByRole("button", { name: "Create add-on" }));

    const pending = await createForm().findByRole("button", { name: "Creating the PostgreSQL add-on…" });
    expect((pending as HTMLButtonElement).disabled).toBe(true);
    provisioned();

    const added = await screen.findByTestId("addon-card");
    expect(within(added).getByText("PostgreSQL · standard plan · up to 20 connections")).toBeTruthy();
    expect(within(added).getByText("DATABASE_URL", { selector: "dd code" })).toBeTruthy();
    expect(screen.queryByTestId("addons-empty")).toBeNull();
    expect(calls(backend, "addons.create").map((c) => c.input)).toEqual([{ app: "web-shop", type: "postgresql", plan: "standard" }]);
    expect(backend.state.vars.get("id-web-shop")?.get("DATABASE_URL")?.secret).toBe(true);
  });

  it("shows the engine's message when the var name is taken or no server is registered, and adds nothing", async () => {
    const backend = openAddons({
      vars: { "web-shop": { DATABASE_URL: "postgres://elsewhere" } },
      servers: { postgresql: true, redis: false },
    });
    await screen.findByTestId("addons-empty");
    await userEvent.click(createForm().getByRole("button", { name: "Create add-on" }));
    expect((await createForm().findByRole("alert")).textContent).toBe(
      'web-shop already has a config var DATABASE_URL; attach the add-on under another name with "as".',
    );

    await userEvent.selectOptions(createForm().getByRole("combobox", { name: "Type" }), "redis");
    expect(createForm().queryByRole("alert")).toBeNull();
    await userEvent.click(createForm().getByRole("button", { name: "Create add-on" }));
    expect((await createForm().findByRole("alert")).textContent).toBe(
      "No Redis server is registered for add-ons: the operator sets SKYPANEL_ADDON_REDIS_URL first.",
    );
    expect(backend.state.addons.addons).toEqual([]);
    expect(screen.getByTestId("addons-empty")).toBeTruthy();
  });

  it("keeps the credentials hidden until Reveal, which asks for the secret config var, and Hide forgets them", async () => {
    const backend = openAddons({ addons: [SHOP_DB] });
    const db = await card(SHOP_DB.name);
    expect(db.getByTestId("addon-credentials").textContent).toMatch(/the URL in DATABASE_URL/);
    expect(document.body.textContent).not.toContain("postgres://");
    expect(calls(backend, "config.get")).toEqual([]);

    await userEvent.click(db.getByRole("button", { name: "Reveal the credentials in DATABASE_URL" }));
    expect((await db.findByTestId("addon-url")).textContent).toBe(SHOP_DB.url);
    expect(calls(backend, "config.get").map((c) => c.input)).toEqual([{ app: "web-shop", revealSecrets: true }]);

    await userEvent.click(db.getByRole("button", { name: "Hide the credentials in DATABASE_URL" }));
    expect(db.queryByTestId("addon-url")).toBeNull();
    expect(document.body.textContent).not.toContain("postgres://");
  });

  it("attaches to another app: a var name that app already has shows the engine's error, another name attaches", async () => {
    const backend = openAddons({ addons: [SHOP_DB], vars: { "other-app": { DATABASE_URL: "postgres://its-own" } } });
    const form = within((await card(SHOP_DB.name)).getByRole("form", { name: `Attach ${SHOP_DB.name}` }));
    await userEvent.type(form.getByRole("textbox", { name: "App" }), "other-app");
    await userEvent.click(form.getByRole("button", { name: "Attach" }));
    expect((await form.findByRole("alert")).textContent).toBe(
      'other-app already has a config var DATABASE_URL; attach the add-on under another name with "as".',
    );
    expect(backend.state.vars.get("id-other-app")?.get("DATABASE_URL")?.value).toBe("postgres://its-own");

    await userEvent.type(form.getByRole("textbox", { name: "As config var" }), "SHOP_DB");
    await userEvent.click(form.getByRole("button", { name: "Attach" }));
    const db = await card(SHOP_DB.name);
    await waitFor(() => expect(attachments(db)).toEqual(["web-shop as DATABASE_URL", "other-app as SHOP_DB"]));
    expect(form.queryByRole("alert")).toBeNull();
    expect(backend.state.vars.get("id-other-app")?.get("SHOP_DB")).toMatchObject({ value: SHOP_DB.url, secret: true });
  });

  it("takes a backup: a Running… row that turns into its size and duration, and polling stops then", { timeout: 15_000 }, async () => {
    const backend = openAddons({ addons: [SHOP_DB] });
    const db = await card(SHOP_DB.name);
    expect(await db.findByText("No backups yet.")).toBeTruthy();
    await userEvent.click(db.getByRole("button", { name: `Back up ${SHOP_DB.name} now` }));

    const row = await db.findByTestId("backup-row");
    expect(row.textContent).toMatch(/^Manual backup, .*Running…$/);
    expect((db.getByRole("button", { name: `Back up ${SHOP_DB.name} now` }) as HTMLButtonElement).disabled).toBe(true);

    const [backup] = backend.state.addons.backups;
    backend.finishBackup(backup?.id ?? "", { sizeBytes: 2.5 * 1024 * 1024 });
    await waitFor(() => expect(db.getByTestId("backup-row").textContent).toContain("Succeeded · 2.5 MiB · took 4.2 s"), POLLED);
    expect((db.getByRole("button", { name: `Back up ${SHOP_DB.name} now` }) as HTMLButtonElement).disabled).toBe(false);

    const polls = calls(backend, "addons.backups").length;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(calls(backend, "addons.backups")).toHaveLength(polls);
  });

  it("shows a failed backup with pg_dump's error", async () => {
    openAddons({
      addons: [SHOP_DB],
      backups: [stubBackup(SHOP_DB.id, 1, { status: "failed", sizeBytes: null, error: "pg_dump: connection refused" })],
    });
    const row = await (await card(SHOP_DB.name)).findByTestId("backup-row");
    expect(row.textContent).toContain("Failed: pg_dump: connection refused");
    expect(within(row).queryByRole("button", { name: /Restore/ })).toBeNull();
  });

  it("shows what the health check saw: healthy with when, or degraded since when and why", async () => {
    const down = new Date("2025-01-02T04:00:00Z");
    const reason = "the PostgreSQL server does not answer: connect ECONNREFUSED 10.0.0.5:5432";
    openAddons({ addons: [SHOP_DB, { ...SHOP_CACHE, health: { state: "degraded", reason, checkedAt: down, changedAt: down } }] });
    const healthy = (await card(SHOP_DB.name)).getByTestId("addon-health");
    expect(healthy.dataset.state).toBe("healthy");
    expect(healthy.textContent).toContain(`Healthy (checked ${formatDateTime(SHOP_DB.createdAt)})`);
    const degraded = (await card(SHOP_CACHE.name)).getByTestId("addon-health");
    expect(degraded.dataset.state).toBe("degraded");
    expect(degraded.textContent).toContain(`Degraded since ${formatDateTime(down)}: ${reason}`);
  });

  it("restores into the add-on only once the app's name is typed, then follows the restore until it is done", {
    timeout: 15_000,
  }, async () => {
    const backup = stubBackup(SHOP_DB.id, 1);
    const backend = openAddons({ addons: [SHOP_DB], backups: [backup] });
    const db = await card(SHOP_DB.name);
    await userEvent.click(await db.findByRole("button", { name: `Restore the backup of ${formatDateTime(backup.createdAt)}` }));

    const dialog = within(await screen.findByRole("dialog", { name: /^Restore the backup of/ }));
    expect(dialog.getByText(/is replaced by the backup's/)).toBeTruthy();
    const go = () => dialog.getByRole("button", { name: `Replace the data of ${SHOP_DB.name}` }) as HTMLButtonElement;
    expect(go().disabled).toBe(true);
    await userEvent.type(dialog.getByRole("textbox", { name: "Type web-shop to confirm" }), "web-sho");
    expect(go().disabled).toBe(true);
    await userEvent.type(dialog.getByRole("textbox", { name: "Type web-shop to confirm" }), "p");
    expect(go().disabled).toBe(false);
    await userEvent.click(go());

    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(calls(backend, "addons.restore").map((c) => c.input)).toEqual([
      { app: "web-shop", addonId: SHOP_DB.id, backupId: backup.id, confirm: "web-shop" },
    ]);
    await waitFor(() => expect(db.getByTestId("backup-row").textContent).toContain("Restoring into this add-on…"));
    await waitFor(() => expect(db.getByTestId("addon-status").textContent).toBe("Status: restoring"));

    backend.finishRestore(backup.id);
    await waitFor(() => expect(db.getByTestId("backup-row").textContent).toMatch(/Restored into this add-on, /), POLLED);
    await waitFor(() => expect(db.getByTestId("addon-status").textContent).toBe("Status: available"));
  });

  it("restores into a new add-on without the typed name, attached as DATABASE_RESTORED_URL", async () => {
    const backup = stubBackup(SHOP_DB.id, 1);
    openAddons({ addons: [SHOP_DB], backups: [backup] });
    const db = await card(SHOP_DB.name);
    await userEvent.click(await db.findByRole("button", { name: /^Restore the backup of/ }));
    const dialog = within(await screen.findByRole("dialog"));
    await userEvent.click(dialog.getByRole("radio", { name: /A new add-on/ }));
    await userEvent.click(dialog.getByRole("button", { name: "Restore into a new add-on" }));

    await waitFor(() => expect(screen.getAllByTestId("addon-card")).toHaveLength(2));
    const restored = within(screen.getAllByTestId("addon-card")[1] as HTMLElement);
    expect(restored.getByText("DATABASE_RESTORED_URL", { selector: "dd code" })).toBeTruthy();
  });

  it("destroys an add-on only once the app's name is typed, saying its data goes, and removes its var", async () => {
    const backend = openAddons({ addons: [SHOP_DB] });
    const db = await card(SHOP_DB.name);
    await userEvent.click(db.getByRole("button", { name: `Destroy ${SHOP_DB.name}` }));

    const dialog = within(await screen.findByRole("dialog", { name: `Destroy ${SHOP_DB.name}?` }));
    expect(dialog.getByText(/deletes the PostgreSQL database with all its data and backups\. It cannot be undone\./)).toBeTruthy();
    const go = () => dialog.getByRole("button", { name: "Destroy add-on" }) as HTMLButtonElement;
    expect(go().disabled).toBe(true);
    await userEvent.type(dialog.getByRole("textbox", { name: "Type web-shop to confirm" }), "web-shop");
    await userEvent.click(go());

    expect(await screen.findByTestId("addons-empty")).toBeTruthy();
    expect(calls(backend, "addons.destroy").map((c) => c.input)).toEqual([{ app: "web-shop", addonId: SHOP_DB.id, confirm: "web-shop" }]);
    expect(backend.state.vars.get("id-web-shop")?.has("DATABASE_URL")).toBe(false);
  });

  it("shows a viewer the add-ons with no way to change them, and no credentials", async () => {
    const backup = stubBackup(SHOP_DB.id, 1);
    openAddons({ role: "viewer", addons: [SHOP_DB, SHARED], backups: [backup] });
    const db = await card(SHOP_DB.name);
    expect(await db.findByTestId("backup-row")).toBeTruthy();
    expect(screen.queryByRole("form", { name: "Create an add-on" })).toBeNull();
    expect(screen.queryByRole("form", { name: /^Attach/ })).toBeNull();
    expect(screen.queryByRole("combobox", { name: "Daily backup" })).toBeNull();
    expect(screen.queryByRole("button", { name: /Create|Attach|Detach|Back up|Restore|Destroy/ })).toBeNull();
    expect(db.getByText(/A backup is taken daily at 02:00 UTC/)).toBeTruthy();

    await userEvent.click(db.getByRole("button", { name: "Reveal the credentials in DATABASE_URL" }));
    expect(await db.findByText("Only members who can write see credentials.")).toBeTruthy();
    expect(document.body.textContent).not.toContain("postgres://");
  });

  it("sets the daily backup hour, or turns scheduled backups off", async () => {
    const backend = openAddons({ addons: [SHOP_DB] });
    const schedule = (await card(SHOP_DB.name)).getByRole("combobox", { name: "Daily backup" }) as HTMLSelectElement;
    expect(schedule.value).toBe("2");
    await userEvent.selectOptions(schedule, "off");
    await waitFor(() => expect(backend.state.addons.addons[0]?.backupHour).toBeNull());
    await waitFor(() => expect(schedule.value).toBe("off"));
  });

  it("shows an add-on made elsewhere (the CLI, another tab) as soon as the app's event stream says so", async () => {
    const backend = openAddons({ addons: [SHOP_DB] });
    await card(SHOP_DB.name);
    const listed = calls(backend, "addons.list").length;
    backend.state.addons.addons.push(SHOP_CACHE);
    backend.publishAppEvent({ type: "addon.updated", appId: "id-web-shop", addonId: SHOP_CACHE.id });
    await card(SHOP_CACHE.name);
    expect(calls(backend, "addons.list").length).toBe(listed + 1);
  });
});
