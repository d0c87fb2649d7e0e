import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadKeyring } from "../secrets/keyring.ts";
import { homeInUse, runtimeName, SHARED_RUNTIME_NAME } from "./name.ts";

describe("runtimeName: one name per SKYPANEL_HOME for the host's cgroups, instance state and nftables", () => {
  const homes: string[] = [];
  const home = () => {
    const h = mkdtempSync(join(tmpdir(), "skypanel-runtime-name-"));
    homes.push(h);
    return h;
  };
  afterEach(() => {
    for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
  });

  it("gives a new home a name of its own, kept across starts, and two homes two names", () => {
    const [a, b] = [home(), home()];
    const first = runtimeName(a, false);
    expect(first).toMatch(/^sp[0-9a-f]{12}$/);
    expect(runtimeName(a, true)).toBe(first);
    expect(readFileSync(join(a, "runtime-name"), "utf8")).toBe(`${first}\n`);
    expect(runtimeName(b, false)).not.toBe(first);
  });

  it("keeps the shared name for a home in use before the name was kept (its running instances are re-adopted)", () => {
    const h = home();
    expect(runtimeName(h, true)).toBe(SHARED_RUNTIME_NAME);
    expect(runtimeName(h, false)).toBe(SHARED_RUNTIME_NAME);
  });

  it("reads a home as in use only once its keyring has a key, not when `keys` holds only the add-on servers' settings", async () => {
    const h = home();
    expect(homeInUse(h)).toBe(false);
    // What `npm start` writes before the engine starts (addons/local-servers.ts): a fresh home still.
    mkdirSync(join(h, "keys"), { mode: 0o700 });
    writeFileSync(join(h, "keys", "local-addon-servers.json"), '{"role":"skypanel_x","password":"y"}\n', { mode: 0o600 });
    expect(homeInUse(h)).toBe(false);
    expect(runtimeName(h, homeInUse(h))).not.toBe(SHARED_RUNTIME_NAME);
    // A home an earlier platform ran in: its keyring made a current key.
    const used = home();
    await loadKeyring(used);
    expect(homeInUse(used)).toBe(true);
    expect(runtimeName(used, homeInUse(used))).toBe(SHARED_RUNTIME_NAME);
  });

  it("refuses a kept name that could not be a cgroup or nftables name", () => {
    const h = home();
    writeFileSync(join(h, "runtime-name"), "../../etc\n");
    expect(() => runtimeName(h, false)).toThrow(/no runtime name/);
  });
});
