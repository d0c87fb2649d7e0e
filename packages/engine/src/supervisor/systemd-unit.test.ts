import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { quoteExecWord, systemdUnit, unitName } from "./systemd-unit.ts";

const exec = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "skypanel-units-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `systemd-analyze verify` exits 0 even for ignored settings; any message on stderr is a defect. */
async function verify(unit: string, name: string) {
  const file = join(dir, name);
  writeFileSync(file, unit);
  const { stderr } = await exec("systemd-analyze", ["verify", file]).catch((err: { stderr: string }) => ({
    stderr: err.stderr || "failed",
  }));
  return stderr.trim();
}

describe("systemd units for instances", () => {
  const base = {
    instanceId: "0f8a6c2e-1111-4222-8333-944445555666",
    appName: "shop-web",
    processType: "web",
    argv: ["/usr/bin/systemd-nspawn", "--register=no", "--keep-unit", "-D", "/", "--volatile=yes", "/bin/sh", "-c", "npm start"],
    environmentFile: join(dir, "env"),
    networkNamespacePath: "/run/netns/sp-0f8a6c2e",
    limits: { memoryBytes: 512 * 1024 * 1024, cpuQuota: 0.5, maxProcs: 256, ioWeight: 100 },
    stopGraceSeconds: 10,
  };
  writeFileSync(base.environmentFile, "PORT=5000\n", { mode: 0o600 });

  it("writes a unit systemd-analyze accepts without a single complaint", async () => {
    const unit = systemdUnit(base);
    expect(unit).toMatch(/^MemoryMax=536870912$/m);
    expect(unit).toMatch(/^CPUQuota=50%$/m);
    expect(unit).toMatch(/^TasksMax=256$/m);
    expect(unit).toMatch(/^StartLimitBurst=5$/m);
    expect(await verify(unit, unitName(base.instanceId))).toBe("");
  });

  it("quotes hostile commands so systemd runs them literally, expanding nothing", async () => {
    const argv = [...base.argv.slice(0, -1), 'echo "$HOME" %h `id` \\ ; rm -rf /'];
    const unit = systemdUnit({ ...base, argv });
    expect(unit).toContain('"echo \\"$$HOME\\" %%h `id` \\\\ ; rm -rf /"');
    expect(await verify(unit, "skypanel-hostile.service")).toBe("");
    expect(quoteExecWord("a\nb")).toBe('"a\\nb"');
  });

  it("keeps a newline in an app name from starting a new setting", () => {
    const unit = systemdUnit({ ...base, appName: "x\nExecStartPre=/bin/evil" });
    expect(unit).not.toMatch(/^ExecStartPre=/m);
  });

  it("would catch a bad setting (the check itself works)", async () => {
    const bad = systemdUnit(base).replace(/^MemoryMax=.*$/m, "MemoryMax=lots");
    expect(await verify(bad, "skypanel-bad.service")).toMatch(/Invalid memory limit/);
  });

  it("refuses a relative program and a malformed instance id", () => {
    expect(() => systemdUnit({ ...base, argv: ["nspawn"] })).toThrow(/absolute path/);
    expect(() => unitName("../../etc/x")).toThrow(/not an instance id/);
  });
});
