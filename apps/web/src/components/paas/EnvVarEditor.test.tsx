import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithBackend } from "../../test/render.tsx";
import { CONFIG_KEY_RULE, createStubBackend, stubApp } from "../../test/stubBackend.ts";
import { EnvVarEditor } from "./EnvVarEditor.tsx";

const SECRET = "postgres://user:hunter2@db/shop";

function setup(role: "owner" | "viewer" = "owner", secrets: Record<string, string> = {}) {
  const backend = createStubBackend({
    role,
    apps: [stubApp("web-shop")],
    vars: { "web-shop": { DATABASE_URL: SECRET, PORT: "5000" } },
    secrets: { "web-shop": secrets },
  });
  renderWithBackend(<EnvVarEditor app="web-shop" />, { fetch: backend.fetch });
  return backend;
}

const row = async (key: string) => within(await screen.findByTestId(`env-var-${key}`));
const held = (backend: ReturnType<typeof createStubBackend>, key: string) => backend.state.vars.get("id-web-shop")?.get(key);
const revealCalls = (backend: ReturnType<typeof createStubBackend>) =>
  backend.state.calls.filter((c) => c.path === "config.get" && (c.input as { revealSecrets?: boolean }).revealSecrets);

describe("EnvVarEditor (stub tRPC server behind fetch)", () => {
  it("masks every value until Reveal is pressed for that value alone", async () => {
    setup();
    const db = await row("DATABASE_URL");
    const port = await row("PORT");
    expect(screen.queryByText(SECRET)).toBeNull();
    expect(screen.queryByText("5000")).toBeNull();

    await userEvent.click(db.getByRole("button", { name: "Reveal DATABASE_URL" }));
    expect(db.getByTestId("env-var-value").textContent).toBe(SECRET);
    expect(port.getByTestId("env-var-value").textContent).not.toContain("5000");

    await userEvent.click(db.getByRole("button", { name: "Hide DATABASE_URL" }));
    expect(screen.queryByText(SECRET)).toBeNull();
  });

  it("adds a var, which the server then holds and the list shows", async () => {
    const backend = setup();
    await row("PORT");
    await userEvent.type(screen.getByRole("textbox", { name: "Name" }), "REDIS_URL");
    await userEvent.type(screen.getByRole("textbox", { name: "Value" }), "redis://cache:6379");
    await userEvent.click(screen.getByRole("button", { name: "Add" }));

    const added = await row("REDIS_URL");
    await userEvent.click(added.getByRole("button", { name: "Reveal REDIS_URL" }));
    expect(added.getByTestId("env-var-value").textContent).toBe("redis://cache:6379");
    expect(backend.state.vars.get("id-web-shop")?.get("REDIS_URL")?.value).toBe("redis://cache:6379");
    expect((screen.getByRole("textbox", { name: "Name" }) as HTMLInputElement).value).toBe("");
  });

  it("shows the server's rule when a name is not a valid POSIX name", async () => {
    setup();
    await row("PORT");
    await userEvent.type(screen.getByRole("textbox", { name: "Name" }), "1BAD-NAME");
    await userEvent.click(screen.getByRole("button", { name: "Add" }));
    expect((await screen.findByRole("alert")).textContent).toContain(CONFIG_KEY_RULE);
  });

  it("edits a value in place", async () => {
    const backend = setup();
    const port = await row("PORT");
    await userEvent.click(port.getByRole("button", { name: "Edit PORT" }));
    const input = port.getByRole("textbox", { name: "New value of PORT" });
    await userEvent.clear(input);
    await userEvent.type(input, "8080");
    await userEvent.click(port.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(backend.state.vars.get("id-web-shop")?.get("PORT")?.value).toBe("8080"));
    await waitFor(() => expect(port.queryByRole("textbox")).toBeNull());
  });

  it("removes a var only after the confirmation is accepted", async () => {
    const backend = setup();
    const db = await row("DATABASE_URL");

    await userEvent.click(db.getByRole("button", { name: "Remove DATABASE_URL" }));
    await userEvent.click(within(screen.getByRole("dialog", { name: "Remove DATABASE_URL?" })).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.getByTestId("env-var-DATABASE_URL")).toBeTruthy();
    expect(backend.state.vars.get("id-web-shop")?.has("DATABASE_URL")).toBe(true);

    await userEvent.click(db.getByRole("button", { name: "Remove DATABASE_URL" }));
    await userEvent.click(within(screen.getByRole("dialog", { name: "Remove DATABASE_URL?" })).getByRole("button", { name: "Remove" }));
    await waitFor(() => expect(screen.queryByTestId("env-var-DATABASE_URL")).toBeNull());
    expect(backend.state.vars.get("id-web-shop")?.has("DATABASE_URL")).toBe(false);
    expect(screen.getByTestId("env-var-PORT")).toBeTruthy();
  });

  it("removes the row at once, before the server has answered", async () => {
    const backend = createStubBackend({ apps: [stubApp("web-shop")], vars: { "web-shop": { DATABASE_URL: SECRET, PORT: "5000" } } });
    let answer: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const fetch: typeof globalThis.fetch = async (url, init) => {
      if (String(url).includes("config.unset")) await held;
      return backend.fetch(url, init);
    };
    renderWithBackend(<EnvVarEditor app="web-shop" />, { fetch });
    const db = await row("DATABASE_URL");
    await userEvent.click(db.getByRole("button", { name: "Remove DATABASE_URL" }));
    await userEvent.click(within(screen.getByRole("dialog", { name: "Remove DATABASE_URL?" })).getByRole("button", { name: "Remove" }));
    expect(screen.queryByTestId("env-var-DATABASE_URL")).toBeNull();
    expect(backend.state.vars.get("id-web-shop")?.has("DATABASE_URL")).toBe(true);
    answer();
    await waitFor(() => expect(backend.state.vars.get("id-web-shop")?.has("DATABASE_URL")).toBe(false));
    expect(screen.queryByTestId("env-var-DATABASE_URL")).toBeNull();
    expect(screen.getByTestId("env-var-PORT")).toBeTruthy();
  });

  it("puts the row back, with the server's reason, when the removal is refused", async () => {
    const backend = createStubBackend({ apps: [stubApp("web-shop")], vars: { "web-shop": { DATABASE_URL: SECRET } } });
    const { store } = renderWithBackend(<EnvVarEditor app="web-shop" />, { fetch: backend.fetch });
    const db = await row("DATABASE_URL");
    // The user's role changed since the page loaded: the server now refuses the change.
    backend.state.role = "viewer";
    await userEvent.click(db.getByRole("button", { name: "Remove DATABASE_URL" }));
    await userEvent.click(within(screen.getByRole("dialog", { name: "Remove DATABASE_URL?" })).getByRole("button", { name: "Remove" }));
    expect(await screen.findByTestId("env-var-DATABASE_URL")).toBeTruthy();
    await waitFor(() => expect(store.getState().paas.toasts.map((t) => t.message)).toContain("Your role in this team is viewer."));
    expect(backend.state.vars.get("id-web-shop")?.has("DATABASE_URL")).toBe(true);
  });

  it("adds a secret var, which the list shows as hidden until Reveal asks the server for it", async () => {
    const backend = setup();
    await row("PORT");
    await userEvent.type(screen.getByRole("textbox", { name: "Name" }), "STRIPE_KEY");
    await userEvent.type(screen.getByRole("textbox", { name: "Value" }), "sk_live_123");
    await userEvent.click(screen.getByRole("checkbox", { name: "Secret" }));
    await userEvent.click(screen.getByRole("button", { name: "Add" }));

    const added = await row("STRIPE_KEY");
    expect(backend.state.calls.filter((c) => c.path === "config.set").map((c) => c.input)).toEqual([
      { app: "web-shop", vars: { STRIPE_KEY: "sk_live_123" }, secret: true },
    ]);
    expect(held(backend, "STRIPE_KEY")).toMatchObject({ value: "sk_live_123", secret: true });
    expect(added.getByTestId("env-var-value").textContent).toBe("hidden");
    expect((screen.getByRole("checkbox", { name: "Secret" }) as HTMLInputElement).checked).toBe(false);
    expect(revealCalls(backend)).toEqual([]);

    await userEvent.click(added.getByRole("button", { name: "Reveal STRIPE_KEY" }));
    await waitFor(() => expect(added.getByTestId("env-var-value").textContent).toBe("sk_live_123"));
    expect(revealCalls(backend)).toHaveLength(1);
    await userEvent.click(added.getByRole("button", { name: "Hide STRIPE_KEY" }));
    expect(screen.queryByText("sk_live_123")).toBeNull();
  });

  it("keeps a secret secret when its value is edited, and makes it plain only when Secret is unticked", async () => {
    const backend = setup("owner", { API_TOKEN: "tok-1" });
    const token = await row("API_TOKEN");
    await userEvent.click(token.getByRole("button", { name: "Edit API_TOKEN" }));
    const form = within(token.getByRole("form", { name: "Edit API_TOKEN" }));
    expect((form.getByRole("checkbox", { name: "Secret" }) as HTMLInputElement).checked).toBe(true);
    expect((form.getByRole("button", { name: "Save" }) as HTMLButtonElement).disabled).toBe(true);
    await userEvent.type(form.getByRole("textbox", { name: "New value of API_TOKEN" }), "tok-2");
    await userEvent.click(form.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(held(backend, "API_TOKEN")).toMatchObject({ value: "tok-2", secret: true }));
    await waitFor(() => expect(token.getByTestId("env-var-value").textContent).toBe("hidden"));

    // Revealed first, the value is in the field, so only the box changes.
    await userEvent.click(token.getByRole("button", { name: "Reveal API_TOKEN" }));
    await waitFor(() => expect(token.getByTestId("env-var-value").textContent).toBe("tok-2"));
    await userEvent.click(token.getByRole("button", { name: "Edit API_TOKEN" }));
    expect((token.getByRole("textbox", { name: "New value of API_TOKEN" }) as HTMLInputElement).value).toBe("tok-2");
    await userEvent.click(token.getByRole("checkbox", { name: "Secret" }));
    await userEvent.click(token.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(held(backend, "API_TOKEN")).toMatchObject({ value: "tok-2", secret: false }));
    expect(backend.state.calls.filter((c) => c.path === "config.set").map((c) => c.input)).toEqual([
      { app: "web-shop", vars: { API_TOKEN: "tok-2" }, secret: true },
      { app: "web-shop", vars: { API_TOKEN: "tok-2" } },
    ]);
  });

  it("replacing a secret from the add form keeps it secret", async () => {
    const backend = setup("owner", { API_TOKEN: "tok-1" });
    await row("API_TOKEN");
    await userEvent.type(screen.getByRole("textbox", { name: "Name" }), "API_TOKEN");
    expect((screen.getByRole("checkbox", { name: "Secret" }) as HTMLInputElement).checked).toBe(true);
    await userEvent.type(screen.getByRole("textbox", { name: "Value" }), "tok-2");
    await userEvent.click(screen.getByRole("button", { name: "Replace" }));
    await waitFor(() => expect(held(backend, "API_TOKEN")).toMatchObject({ value: "tok-2", secret: true }));
  });

  it("tells a member whose role was lowered to viewer, on Reveal, that secret values are for writers", async () => {
    const backend = setup("owner", { API_TOKEN: "tok-1" });
    const token = await row("API_TOKEN");
    backend.state.role = "viewer";
    await userEvent.click(token.getByRole("button", { name: "Reveal API_TOKEN" }));
    expect(await token.findByText("Only members who can write see secret values.")).toBeTruthy();
    expect(screen.queryByText("tok-1")).toBeNull();
  });

  it("gives a viewer no Reveal for a secret, and never asks the server for its value", async () => {
    const backend = setup("viewer", { API_TOKEN: "tok-1" });
    const token = await row("API_TOKEN");
    expect(token.getByTestId("env-var-value").textContent).toBe("hidden");
    expect(token.getByText("secret")).toBeTruthy();
    expect(token.queryByRole("button")).toBeNull();
    expect(screen.queryByText("tok-1")).toBeNull();
    expect(revealCalls(backend)).toEqual([]);
  });

  it("gives a viewer the names but no values and no edit controls", async () => {
    setup("viewer");
    const db = await row("DATABASE_URL");
    expect(db.getByTestId("env-var-value").textContent).toBe("hidden");
    expect(db.queryByRole("button")).toBeNull();
    expect(screen.queryByRole("form", { name: "Add a config var" })).toBeNull();
    expect(screen.queryByRole("textbox")).toBeNull();
    expect(screen.getByText(/Your role lets you see which config vars exist/)).toBeTruthy();
  });
});
