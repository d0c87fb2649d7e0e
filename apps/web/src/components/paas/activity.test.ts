import { describe, expect, it } from "vitest";
import { describeActivity } from "./activity.ts";

describe("describeActivity", () => {
  it("names the config var, release or change that an audit row records", () => {
    expect(describeActivity("env_vars.insert", { row: { key: "PORT" } })).toBe("Config var PORT set");
    expect(describeActivity("env_vars.delete", { row: { key: "PORT" } })).toBe("Config var PORT removed");
    expect(describeActivity("applications.update", { changed: ["description", "name"], row: {} })).toBe(
      "App settings changed (description, name)",
    );
    expect(describeActivity("releases.insert", { row: { version: 3 } })).toBe("Release v3 added");
    expect(describeActivity("addons.delete", null)).toBe("addons removed");
  });

  it("tells the router's trouble in its own words", () => {
    expect(
      describeActivity("router.load_failed", { message: "routes not loaded: port 8443 is held; Caddy serves the routes it had" }),
    ).toBe("Router: routes not loaded: port 8443 is held; Caddy serves the routes it had");
    expect(describeActivity("router.caddy_replaced", {})).toBe("Router trouble");
  });

  it("tells the autoscaler's decision with its reason", () => {
    expect(describeActivity("autoscale.scale_up", { message: "web: 120 requests/s per instance vs target 40/s: 1 → 3" })).toBe(
      "Autoscaler: web: 120 requests/s per instance vs target 40/s: 1 → 3",
    );
    expect(describeActivity("autoscale.at_max", null)).toBe("Autoscaler decision");
  });

  it("still says what happened when the row is null or the details are not the expected shape", () => {
    expect(describeActivity("releases.insert", { row: null })).toBe("Release added");
    expect(describeActivity("applications.update", { row: null, changed: ["current_release_id", "status"] })).toBe(
      "Running release changed",
    );
    expect(describeActivity("env_vars.insert", { row: "PORT", changed: "key" })).toBe("Config var set");
  });
});
