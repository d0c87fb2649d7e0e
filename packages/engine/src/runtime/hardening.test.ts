// What an app can do to the kernel and to its own privileges from inside a running instance,
// tried the way an attacker would (real systemd-nspawn, real seccomp, real setuid binaries).
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cgroupPids, detectCgroupHost, instanceCgroup } from "./cgroups.ts";
import type { Instance } from "./instance.ts";
import { SYSCALL_DENY } from "./sandbox.ts";
import { DENIED_X86_64 } from "./seccomp.ts";
import { probe, testRuntime, testSpec } from "./testing.ts";
import { addEscapeApp } from "./testing-escape.ts";

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

const statusField = (status: string, name: string) => new RegExp(`^${name}:\\s*(.*)$`, "m").exec(status)?.[1]?.trim();

it("the platform's own filter refuses every x86-64 call of nspawn's deny-list, by its right number", () => {
  const numbers = new Map(
    [...readFileSync("/usr/include/x86_64-linux-gnu/asm/unistd_64.h", "utf8").matchAll(/^#define __NR_(\w+) (\d+)$/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]),
  );
  const expected: Record<string, number> = {};
  for (const entry of SYSCALL_DENY) {
    const names = entry.startsWith("@")
      ? spawnSync("systemd-analyze", ["syscall-filter", "--no-pager", entry], { encoding: "utf8" })
          .stdout.split("\n")
          .map((line) => line.trim())
          .filter((line) => line && !line.startsWith("#") && !line.startsWith("@"))
      : [entry];
    for (const name of names) {
      const nr = numbers.get(name);
      if (nr !== undefined) expected[name] = nr;
    }
  }
  expect(DENIED_X86_64).toEqual(expected);
});

describe.each(["nspawn", "bwrap"] as const)(
  "runtime: hardening, proved by escape attempts from inside an instance (real %s and seccomp)",
  (mode) => {
    const app = addEscapeApp();
    const t = testRuntime();
    let instance: Instance;
    let status: { status: string; uid: number };

    beforeAll(async () => {
      instance = await t.runtime.startInstance(testSpec(app.storePath, { appName: "escape", mode }));
      status = await probe(instance, "/status");
    });
    afterAll(async () => {
      await t.cleanup();
      app.remove();
    });

    const inside = (argv: string[]) => probe<Ran>(instance, `/run?argv=${encodeURIComponent(JSON.stringify(argv))}`);

    /** A process inside the sandbox, seen from the host (not the launcher or `ip netns exec`): its mounts are the instance's. */
    function sandboxedPid(): number {
      const hostPids = readlinkSync("/proc/self/ns/pid");
      const cg = instanceCgroup(detectCgroupHost(), t.parent, instance.instanceId);
      const ownPidNamespace = (p: number) => {
        try {
          return readlinkSync(`/proc/${p}/ns/pid`) !== hostPids;
        } catch {
          return false; // gone since the cgroup was listed
        }
      };
      const pid = cgroupPids(cg).find(ownPidNamespace);
      if (!pid) throw new Error("no process of the instance is in a PID namespace of its own");
      return pid;
    }

    it("the app has no capabilities of any kind, no_new_privs, and a seccomp filter", () => {
      for (const set of ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"])
        expect(statusField(status.status, set), set).toBe("0000000000000000");
      expect(statusField(status.status, "NoNewPrivs")).toBe("1");
      expect(statusField(status.status, "Seccomp")).toBe("2");
      expect(status.uid).toBeGreaterThanOrEqual(1_000_000_000);
    });

    it("every escape attempt is refused with the errno the platform promises", async () => {
      expect(await probe(instance, "/attempts")).toEqual({
        mount: "EPERM",
        unshareUser: "EPERM",
        unshareMount: "EPERM",
        // clone's flags are beyond nspawn's filter; the platform's own (seccomp.ts) reads them.
        cloneUser: "EPERM",
        setns: "EPERM",
        ptraceInit: "EPERM",
        // Without the @debug deny-list the kernel allows this one to any process: the filter is what says no.
        ptraceOwnChild: "EPERM",
        // PID 1 is the container's own init (the host's is in another PID namespace), owned by root.
        readInitEnviron: "EACCES",
        // /etc is the container's: the host's shadow file is not there to read.
        readShadow: "ENOENT",
        loadModule: "EPERM",
        rawSocket: "EPERM",
        setClock: "EPERM",
        chroot: "EPERM",
        setuidRoot: "EPERM",
      });
    });

    it("a setuid-root binary placed inside the instance runs with the app's uid, not root", async () => {
      // Control: the same setuid copy on the host does make an unprivileged user root.
      const hostDir = mkdtempSync("/var/tmp/skypanel-suid-");
      try {
        const hostCopy = join(hostDir, "id");
        copyFileSync("/usr/bin/id", hostCopy);
        chmodSync(hostDir, 0o755);
        chmodSync(hostCopy, 0o4755);
        const onHost = spawnSync("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", hostCopy, "-u"], {
          encoding: "utf8",
        });
        expect(onHost.stdout.trim()).toBe("0");
      } finally {
        rmSync(hostDir, { recursive: true, force: true });
      }
      // Root on the host puts a setuid-root copy into the instance's own /tmp.
      const placed = spawnSync(
        "/usr/bin/nsenter",
        [
          "--target",
          String(sandboxedPid()),
          "--mount",
          "/bin/sh",
          "-c",
          "cp /usr/bin/id /tmp/suid-id && chown 0:0 /tmp/suid-id && chmod 4755 /tmp/suid-id",
        ],
        { encoding: "utf8" },
      );
      expect(placed.stderr).toBe("");
      expect((await inside(["/usr/bin/stat", "-c", "%a %u", "/tmp/suid-id"])).stdout).toBe("4755 0");
      const ran = await inside(["/tmp/suid-id", "-u"]);
      expect(ran).toMatchObject({ code: 0, stdout: String(status.uid) });
      // Debian's own setuid-root tools in /usr fare no better: su cannot become root.
      const su = await inside(["/usr/bin/su", "-c", "id -u"]);
      expect(su.code).not.toBe(0);
      expect(su.stdout).not.toBe("0");
    });
  },
);
