import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runtimeName, SHARED_RUNTIME_NAME } from "./name.ts";

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

  it("refuses a kept name that could not be a cgroup or nftables name", () => {
    const h = home();
    writeFileSync(join(h, "runtime-name"), "../../etc\n");
    expect(() => runtimeName(h, false)).toThrow(/no runtime name/);
  });
});
