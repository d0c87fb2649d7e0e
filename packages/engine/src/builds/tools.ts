import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { addToStore, type NixEnv } from "../nix/index.ts";

const require = createRequire(import.meta.url);

export interface PackageManagerTools {
  /** Entry points for running yarn and pnpm with node on the host (dependency fetch), in the store. */
  yarn: string;
  pnpm: string;
  /** A store path with bin/yarn and bin/pnpm, for use inside the sandbox. */
  storePath: string;
}

let cached: Promise<PackageManagerTools> | null = null;

/**
 * yarn and pnpm come from the platform's own npm dependencies (pinned by its lockfile), not
 * from the network at build time. They are put into the store once for sandboxed steps.
 */
export function packageManagerTools(nix: NixEnv): Promise<PackageManagerTools> {
  cached ??= (async () => {
    const yarnDir = dirname(require.resolve("yarn/package.json"));
    // pnpm exports only its package.json as ".".
    const pnpmDir = dirname(require.resolve("pnpm"));
    const tmp = mkdtempSync(join(tmpdir(), "skypanel-tools-"));
    try {
      const root = join(tmp, "pm-tools");
      mkdirSync(join(root, "bin"), { recursive: true });
      cpSync(yarnDir, join(root, "lib", "yarn"), { recursive: true });
      cpSync(pnpmDir, join(root, "lib", "pnpm"), { recursive: true });
      const wrapper = (entry: string) => `#!/bin/sh\nexec node "$(dirname "$0")/../lib/${entry}" "$@"\n`;
      writeFileSync(join(root, "bin", "yarn"), wrapper("yarn/bin/yarn.js"), { mode: 0o755 });
      writeFileSync(join(root, "bin", "pnpm"), wrapper("pnpm/bin/pnpm.cjs"), { mode: 0o755 });
      const storePath = await addToStore(nix, root, "pm-tools");
      // The store copies, not the platform's node_modules: the unprivileged installer runs them,
      // and the checkout may sit in a folder it cannot enter (root's 0700 home).
      return { yarn: join(storePath, "lib", "yarn", "bin", "yarn.js"), pnpm: join(storePath, "lib", "pnpm", "bin", "pnpm.cjs"), storePath };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  })();
  cached.catch(() => {
    cached = null;
  });
  return cached;
}
