// The platform's Node version, asked of the binary once and again only when the binary changes.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { platformVersion } from "./node-runtime.ts";

describe("platformVersion", () => {
  const dir = mkdtempSync(join(tmpdir(), "skypanel-node-bin-"));
  const node = join(dir, "node");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("asks the binary once, answers from memory while it is unchanged, and asks again once it changed", async () => {
    writeFileSync(node, "#!/bin/sh\necho v20.1.0\n", { mode: 0o755 });
    expect(await platformVersion(dir)).toBe("v20.1.0");
    // Not executable now: an answer can only come from memory (mode is not part of the identity).
    chmodSync(node, 0o644);
    expect(await platformVersion(dir)).toBe("v20.1.0");
    // An upgrade: another binary (size and mtime differ) is asked again.
    writeFileSync(node, "#!/bin/sh\necho v22.11.0\n", { mode: 0o755 });
    chmodSync(node, 0o755);
    expect(await platformVersion(dir)).toBe("v22.11.0");
  });
});
