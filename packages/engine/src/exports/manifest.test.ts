import { describe, expect, it } from "vitest";
import { InvalidManifestError } from "./errors.ts";
import { type ExportManifest, parseExportManifest } from "./manifest.ts";
import { SAMPLE_STORE_PATH, sampleDraft } from "./test-manifest.ts";

const DIGEST = { bytes: 10, sha256: "a".repeat(64) };
const good = (): ExportManifest =>
  structuredClone({ ...sampleDraft(), members: { "config.sealed": DIGEST, "artifact.closure": DIGEST, "addons/db.dump": DIGEST } });

function refused(change: (m: ExportManifest) => void): string {
  const m = good();
  change(m);
  try {
    parseExportManifest(m);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidManifestError);
    return (err as Error).message;
  }
  throw new Error("the manifest was accepted");
}

describe("export manifest", () => {
  it("accepts a manifest the exporter writes, unchanged", () => {
    expect(parseExportManifest(good())).toEqual(good());
  });

  it("says plainly when a file is not an export or is from another format version", () => {
    expect(() => parseExportManifest({ name: "my-app" })).toThrow(/^This is not a SkyPanel export/);
    expect(() => parseExportManifest([])).toThrow(/^This is not a SkyPanel export/);
    expect(refused((m) => Object.assign(m, { version: 2 }))).toMatch(/format version 2; this platform reads version 1/);
  });

  it("holds names to the platform's own rules", () => {
    expect(refused((m) => Object.assign(m.app, { name: "Admin" }))).toMatch(/app\.name: not a valid app name/);
    expect(refused((m) => Object.assign(m.app, { name: "admin" }))).toMatch(/app\.name: not a valid app name/);
    expect(refused((m) => Object.assign(m.appJson.env, { "BAD-KEY": { required: true } }))).toMatch(
      /appJson\.env\.BAD-KEY: not a valid config var name/,
    );
    expect(refused((m) => Object.assign(m.appJson.env, { SECRET_KEY: "the value" }))).toMatch(/appJson\.env\.SECRET_KEY/);
    expect(refused((m) => m.domains.push("Todo.Example.com"))).toMatch(/domains\.1: not a valid custom domain/);
    expect(refused((m) => m.domains.push("todo.example.com"))).toMatch(/domains: lists the same domain twice/);
    expect(refused((m) => Object.assign(m.current?.processes ?? {}, { "web server": "x" }))).toMatch(/not a valid process type/);
  });

  it("refuses a __proto__ key rather than dropping it", () => {
    const m = good();
    const env = JSON.parse('{"__proto__": {"required": true}, "A": {"required": true}}');
    expect(() => parseExportManifest({ ...m, appJson: { ...m.appJson, env } })).toThrow(
      /appJson\.env: __proto__ is not a name an export can carry/,
    );
  });

  it("takes only store paths of the /nix/store/<hash>-<name> form", () => {
    for (const bad of ["/nix/store/short-app", "/etc/passwd", `${SAMPLE_STORE_PATH}/../../etc`, `/nix/store/${"a".repeat(32)}-x y`]) {
      expect(
        refused((m) => m.current && Object.assign(m.current, { storePath: bad })),
        bad,
      ).toMatch(/current\.storePath: not a Nix store path/);
    }
  });

  it("bounds lists, text and free-form JSON", () => {
    const release = good().releases[0];
    const releases = Array.from({ length: 501 }, (_, i) => ({ ...release, version: i + 1 }));
    expect(refused((m) => Object.assign(m, { releases }))).toMatch(/releases: more than 500 entries/);
    expect(refused((m) => Object.assign(m.app, { description: "x".repeat(2001) }))).toMatch(
      /app\.description: longer than 2000 characters/,
    );
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(refused((m) => Object.assign(m, { autoscale: deep }))).toMatch(/autoscale: it is nested more than 16 levels deep/);
    expect(refused((m) => Object.assign(m, { autoscale: { blob: "x".repeat(70_000) } }))).toMatch(/autoscale: it is longer than 65536/);
  });

  it("keeps members and the add-ons that name them consistent", () => {
    expect(refused((m) => Object.assign(m.members, { "../x": DIGEST }))).toMatch(/members\.\.\.\/x: not a member an export holds/);
    expect(refused((m) => Object.assign(m.members, { "addons/old.dump": DIGEST }))).toMatch(
      /members\.addons\/old\.dump: belongs to no add-on/,
    );
    expect(refused((m) => delete m.members["addons/db.dump"])).toMatch(/addons\.0\.dump: addons\/db\.dump is not among the members/);
    expect(refused((m) => delete m.members["config.sealed"])).toMatch(/members: has no config\.sealed/);
    expect(refused((m) => Object.assign(m, { current: null }))).toMatch(/has artifact\.closure but no current release/);
    expect(refused((m) => Object.assign(m.members["config.sealed"] ?? {}, { sha256: "xyz" }))).toMatch(/members\.config\.sealed\.sha256/);
  });
});
