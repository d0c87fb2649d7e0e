// A small ext4 filesystem of the test's own on a loop device (needs root): made with truncate and
// mkfs.ext4, mounted on a fresh folder, filled on demand; destroy() always unmounts and detaches.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statfsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LoopFs {
  /** Where it is mounted (mode 0755, so the build user can pass through). */
  mount: string;
  /** Bytes an unprivileged writer may still use. */
  free(): number;
  /** Fills it with one preallocated file until only `bytes` are left (0: full). */
  leaveFree(bytes: number): void;
  /** Deletes the filler. */
  unfill(): void;
  destroy(): void;
}

export function createLoopFs(sizeMiB: number): LoopFs {
  const dir = mkdtempSync(join(tmpdir(), "skypanel-chaos-fs-"));
  chmodSync(dir, 0o755);
  const image = join(dir, "fs.img");
  const mount = join(dir, "mnt");
  mkdirSync(mount);
  let device: string | null = null;
  let mounted = false;
  const filler = () => join(mount, ".filler");
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: "utf8", stdio: "pipe" }).trim();
  const fs: LoopFs = {
    mount,
    free() {
      const s = statfsSync(mount);
      return s.bavail * s.bsize;
    },
    leaveFree(bytes) {
      fs.unfill();
      // The filler's own extent blocks come out of the same space: a little less, until it fits.
      for (let slack = 0; ; slack += 64 * 1024) {
        const fill = fs.free() - bytes - slack;
        if (fill <= 0) return;
        try {
          run("fallocate", ["-l", String(fill), filler()]);
          return;
        } catch (err) {
          rmSync(filler(), { force: true });
          if (slack > 4 * 1024 * 1024) throw err;
        }
      }
    },
    unfill() {
      rmSync(filler(), { force: true });
      run("sync", ["-f", mount]);
    },
    destroy() {
      if (mounted) {
        try {
          run("umount", [mount]);
        } catch {
          // Something still holds it (a process the test could not stop): detach it lazily.
          run("umount", ["-l", mount]);
        }
        mounted = false;
      }
      if (device) run("losetup", ["-d", device]);
      device = null;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    run("truncate", ["-s", `${sizeMiB}M`, image]);
    // -m 0: no blocks reserved for root, so "full" is full for the platform (root) too.
    run("mkfs.ext4", ["-q", "-F", "-m", "0", image]);
    device = run("losetup", ["-f", "--show", image]);
    run("mount", [device, mount]);
    mounted = true;
    chmodSync(mount, 0o755);
  } catch (err) {
    fs.destroy();
    throw err;
  }
  return fs;
}
