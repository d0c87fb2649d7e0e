import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import ImportPage from "../../pages/ImportPage.tsx";
import { renderWithBackend } from "../../test/render.tsx";
import { createStubBackend, HEROKU_TOKEN_REFUSED, stubApp, stubHerokuApp } from "../../test/stubBackend.ts";

const TOKEN = "heroku-token-0123456789";
const MAIN_DB = "postgresql-shaped-12345";
const REPORTS_DB = "postgresql-round-678";

/** The Heroku app "shop": a web and a worker, two databases with backups, a cache, a log drain, a custom domain. */
const shop = () =>
  stubHerokuApp("shop", {
    config: {
      DATABASE_URL: "postgres://u:hunter2-db@ec2.example:5432/d1",
      HEROKU_POSTGRESQL_ORANGE_URL: "postgres://r:orange-pw@ec2.example:5432/d2",
      REDIS_URL: "redis://h:redis-pw@ec2.example:6379",
      PAPERTRAIL_API_TOKEN: "papertrail-tok-77",
      SECRET_KEY_BASE: "s3cret-value-9f8e",
    },
    addons: [
      { name: MAIN_DB, service: "heroku-postgresql", plan: "heroku-postgresql:essential-0", as: ["DATABASE_URL"], backup: 12 },
      {
        name: REPORTS_DB,
        service: "heroku-postgresql",
        plan: "heroku-postgresql:essential-1",
        as: ["HEROKU_POSTGRESQL_ORANGE_URL"],
        backup: 3,
      },
      { name: "redis-round-1", service: "heroku-redis", plan: "heroku-redis:mini", as: ["REDIS_URL"], backup: null },
      { name: "papertrail-x", service: "papertrail", plan: "papertrail:choklad", as: ["PAPERTRAIL_API_TOKEN"], backup: null },
    ],
  });
const CONFIG_VALUES = Object.values(shop().config);

function open(backend: ReturnType<typeof createStubBackend>, url = "/paas/import") {
  // Every address the dashboard fetched: the token must never be in one.
  const urls: string[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    urls.push(String(input));
    return backend.fetch(input, init);
  };
  renderWithBackend(<ImportPage />, { fetch, url, path: "/paas/import/*" });
  return { urls };
}

const herokuCalls = (backend: ReturnType<typeof createStubBackend>) =>
  backend.state.calls.filter((c) => /^imports\.(heroku|start)/.test(c.path));
const lastPlanInput = (backend: ReturnType<typeof createStubBackend>) =>
  backend.state.calls.filter((c) => c.path === "imports.herokuPlan").at(-1)?.input;

async function giveToken(token: string) {
  await userEvent.type(screen.getByLabelText("Heroku API token"), token);
  await userEvent.click(screen.getByRole("button", { name: "List my Heroku apps" }));
}

describe("ImportWizard (stub tRPC server behind fetch)", () => {
  it("imports a Heroku app: token, app, plan and choices, live steps, result, and a roll back confirmed by name", async () => {
    const backend = createStubBackend({ imports: { herokuApps: [stubHerokuApp("blog"), shop()], ticksPerGet: 5 } });
    const { urls } = open(backend);

    // 1. The token lists the apps it sees.
    expect(screen.getByLabelText("Heroku API token").getAttribute("type")).toBe("password");
    expect(screen.getByTestId("heroku-token-form").textContent).toContain("heroku auth:token");
    await giveToken(TOKEN);
    expect((await screen.findByTestId("token-accepted")).textContent).toContain("it sees 2 apps");

    // 2. Chosen with the keyboard: arrow keys move through the radio group.
    const blog = screen.getByRole("radio", { name: "blog" });
    expect(blog.getAttribute("aria-describedby")).toBeTruthy();
    expect(screen.getByText("Stack heroku-24 · region us", { selector: `[id="${blog.getAttribute("aria-describedby")}"]` })).toBeTruthy();
    await userEvent.click(blog);
    await userEvent.keyboard("{ArrowDown}");
    expect((screen.getByRole("radio", { name: "shop" }) as HTMLInputElement).checked).toBe(true);
    await userEvent.click(screen.getByRole("button", { name: "Plan the import" }));

    // 3. The plan, side by side, with names of config vars and never their values.
    const comparison = await screen.findByTestId("plan-comparison");
    expect(lastPlanInput(backend)).toEqual({ herokuApp: "shop", herokuToken: TOKEN });
    const row = (what: string) => {
      const found = within(comparison)
        .getAllByTestId("plan-row")
        .find((r) => r.querySelector("dt")?.textContent === what);
      if (!found) throw new Error(`no plan row "${what}"`);
      return found.textContent ?? "";
    };
    expect(row("App name")).toBe("App nameOn Heroku: shopOn SkyPanel: shop");
    expect(row("Stack and build")).toContain("heroku-24; buildpacks heroku/nodejs");
    expect(row("web")).toContain("2 dynos (standard-1x)");
    expect(row("web")).toContain("On SkyPanel: 2 instances");
    expect(row(MAIN_DB)).toContain("PostgreSQL add-on, data restored from the latest backup");
    expect(row("papertrail-x")).toContain("Not brought over");
    expect(row("SECRET_KEY_BASE")).toContain("On SkyPanel: copied");
    expect(row("DATABASE_URL")).toContain(`recreated by add-on ${MAIN_DB}`);
    expect(row("www.shop.example")).toContain("On SkyPanel: added");
    expect(row("shop.herokuapp.com")).toContain("On SkyPanel: skipped");
    expect(row("Source")).toContain("Build output left out and made again: node_modules");
    expect(screen.getByTestId("plan-unsupported").textContent).toContain("add-on papertrail-x (papertrail:choklad)");
    expect(screen.getByTestId("plan-creates").textContent).toContain('Create the app "shop".');
    for (const value of CONFIG_VALUES) {
      expect(document.body.textContent).not.toContain(value);
      expect([...document.querySelectorAll("input")].map((i) => i.value)).not.toContain(value);
    }

    // Both databases have a backup, so both bring their data until one is unticked.
    const main = screen.getByRole("checkbox", { name: `${MAIN_DB} (heroku-postgresql:essential-0)` }) as HTMLInputElement;
    const reports = screen.getByRole("checkbox", { name: `${REPORTS_DB} (heroku-postgresql:essential-1)` }) as HTMLInputElement;
    expect([main.checked, reports.checked]).toEqual([true, true]);
    const name = screen.getByRole("textbox", { name: "App name on SkyPanel" }) as HTMLInputElement;
    expect(name.value).toBe("shop");
    await userEvent.clear(name);
    await userEvent.type(name, "shop-eu");
    await userEvent.click(reports);
    await waitFor(() =>
      expect(lastPlanInput(backend)).toEqual({ herokuApp: "shop", herokuToken: TOKEN, name: "shop-eu", addonData: [MAIN_DB] }),
    );
    await waitFor(() => expect(row("App name")).toContain("On SkyPanel: shop-eu"));
    expect(row(REPORTS_DB)).toContain("starts empty");
    expect(row(MAIN_DB)).toContain("data restored from the latest backup");
    expect([main.checked, reports.checked]).toEqual([true, false]);

    // 4. Started with exactly the plan on screen; its page follows it while it runs.
    await userEvent.click(screen.getByRole("button", { name: "Start the import" }));
    await waitFor(() => expect(screen.getByTestId("location").textContent).toMatch(/^\/paas\/import\/[0-9a-f-]+$/));
    expect(backend.state.calls.find((c) => c.path === "imports.startHeroku")?.input).toEqual({
      herokuApp: "shop",
      herokuToken: TOKEN,
      name: "shop-eu",
      addonData: [MAIN_DB],
    });
    expect(await screen.findByRole("heading", { level: 1, name: "Import of shop-eu" })).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId("import-progress").dataset.status).toBe("running"));
    const running = screen.getAllByTestId("import-step").find((s) => s.dataset.status === "running");
    expect(running?.textContent).toContain("running");
    expect(screen.getByTestId("import-announcer").textContent).toMatch(/^Step \d of 9, .+: running\.$/);

    // 5. The steps finish; the result shows the address, the dashboard and the DNS records.
    await waitFor(() => expect(screen.getByTestId("import-progress").dataset.status).toBe("succeeded"));
    expect(screen.getAllByTestId("step-status").map((s) => s.textContent)).toEqual(Array(9).fill("done"));
    expect(screen.getByTestId("import-announcer").textContent).toBe("The import finished: the app is imported.");
    const gets = backend.state.calls.filter((c) => c.path === "imports.get");
    expect(gets.length).toBeGreaterThan(1);
    expect(screen.getByRole("link", { name: "http://shop-eu.localhost:8080/" }).getAttribute("href")).toBe(
      "http://shop-eu.localhost:8080/",
    );
    expect(screen.getByRole("link", { name: "Open shop-eu's dashboard" }).getAttribute("href")).toBe("/paas/apps/shop-eu");
    expect(screen.getAllByTestId("dns-row").map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent))).toEqual([
      ["www.shop.example", "CNAME", "shop-eu.skypanel.test"],
    ]);
    expect(backend.state.apps.map((a) => a.name)).toEqual(["shop-eu"]);
    // A finished import is not read again.
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(backend.state.calls.filter((c) => c.path === "imports.get")).toHaveLength(gets.length);

    // Rolling back waits for the app's name, then sends it as the confirmation.
    await userEvent.click(screen.getByRole("button", { name: "Roll back…" }));
    const dialog = screen.getByRole("dialog", { name: "Roll back the import of shop-eu?" });
    const confirm = within(dialog).getByRole("button", { name: "Roll back the import" }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await userEvent.type(within(dialog).getByRole("textbox", { name: "Type shop-eu to confirm" }), "shop");
    expect(confirm.disabled).toBe(true);
    expect(backend.state.calls.some((c) => c.path === "imports.rollback")).toBe(false);
    await userEvent.type(within(dialog).getByRole("textbox", { name: "Type shop-eu to confirm" }), "-eu");
    await userEvent.click(confirm);
    expect(await screen.findByTestId("import-rolled-back")).toBeTruthy();
    expect(backend.state.calls.filter((c) => c.path === "imports.rollback").map((c) => c.input)).toEqual([
      { id: expect.stringMatching(/^[0-9a-f-]+$/), confirm: "shop-eu" },
    ]);
    expect(backend.state.apps).toEqual([]);
    expect(screen.getAllByTestId("step-status").map((s) => s.textContent)).toEqual(Array(9).fill("undone"));

    // The token went only in the bodies of the Heroku mutations, never in an address.
    expect(urls.filter((u) => u.includes(TOKEN))).toEqual([]);
    expect(new Set(backend.state.calls.filter((c) => `${JSON.stringify(c.input)}`.includes(TOKEN)).map((c) => c.path))).toEqual(
      new Set(["imports.herokuApps", "imports.herokuPlan", "imports.startHeroku"]),
    );
  });

  it("shows Heroku's message for a refused token and asks nothing else", async () => {
    const backend = createStubBackend({ imports: { herokuApps: [shop()] } });
    open(backend);

    await giveToken("not-the-right-token");

    expect((await screen.findByRole("alert")).textContent).toBe(HEROKU_TOKEN_REFUSED);
    expect(screen.getByLabelText("Heroku API token").getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryByRole("radio")).toBeNull();
    expect(herokuCalls(backend)).toEqual([{ path: "imports.herokuApps", input: { herokuToken: "not-the-right-token" } }]);
  });

  it("shows the server's refusal of a name next to the choices, and keeps the import from starting", async () => {
    const backend = createStubBackend({ apps: [stubApp("shop")], imports: { herokuApps: [shop()] } });
    open(backend);
    await giveToken(TOKEN);
    await userEvent.click(await screen.findByRole("radio", { name: "shop" }));
    await userEvent.click(screen.getByRole("button", { name: "Plan the import" }));
    await screen.findByTestId("plan-comparison");
    const start = screen.getByRole("button", { name: "Start the import" }) as HTMLButtonElement;
    await waitFor(() => expect(start.disabled).toBe(false));

    // The name is free on Heroku but taken here: starting refuses it and stays on the plan.
    await userEvent.click(start);
    expect((await screen.findByTestId("start-refused")).textContent).toBe(
      'The name "shop" is already taken by another app. Choose another name.',
    );
    expect(screen.getByTestId("location").textContent).toBe("/paas/import");

    // A name against the rules: the plan is refused, the message sits by the form, and Start waits.
    const name = screen.getByRole("textbox", { name: "App name on SkyPanel" });
    await userEvent.clear(name);
    await userEvent.type(name, "Shop_EU");
    expect((await screen.findByTestId("plan-refused")).textContent).toContain('"Shop_EU" is not a valid app name.');
    expect(screen.queryByTestId("plan-comparison")).toBeNull();
    expect(start.disabled).toBe(true);
    expect(backend.state.calls.filter((c) => c.path === "imports.startHeroku")).toHaveLength(1);
  });

  it("plans from a git repository and its ref when one is given instead of the slug", async () => {
    const backend = createStubBackend({ imports: { herokuApps: [shop()] } });
    open(backend);
    await giveToken(TOKEN);
    await userEvent.click(await screen.findByRole("radio", { name: "shop" }));
    await userEvent.click(screen.getByRole("button", { name: "Plan the import" }));
    await screen.findByTestId("plan-comparison");

    await userEvent.click(screen.getByRole("radio", { name: "A git repository" }));
    expect(screen.getByTestId("plan-state").textContent).toBe(
      "Give the repository's URL to plan the import from it; the plan below is for your previous choices.",
    );
    await userEvent.type(screen.getByRole("textbox", { name: "Repository URL" }), "https://git.example/shop.git");
    await userEvent.type(screen.getByRole("textbox", { name: "Branch, tag or commit (optional)" }), "v2");

    await waitFor(() =>
      expect(lastPlanInput(backend)).toEqual({
        herokuApp: "shop",
        herokuToken: TOKEN,
        source: { kind: "git", url: "https://git.example/shop.git", ref: "v2" },
      }),
    );
    const source = await screen.findByText(
      (_, el) => el?.tagName === "DD" && /Built from https:\/\/git\.example\/shop\.git at v2/.test(el.textContent ?? ""),
    );
    expect(source).toBeTruthy();
    // No plan was asked for while the URL was missing.
    expect(
      backend.state.calls
        .filter((c) => c.path === "imports.herokuPlan")
        .every((c) => (c.input as { source?: { url?: string } }).source?.url !== ""),
    ).toBe(true);
  });
});
