import { join } from "node:path";
import { runChecked } from "../process/run.ts";
import type { NixEnv } from "./env.ts";
import { NIX_STATE } from "./paths.ts";

export interface NixBuildOptions {
  /** The .nix file to build. */
  file: string;
  /** GC root name for the output: Nix creates it as the build finishes, so no GC can race it. */
  rootName: string;
  /** `--arg name <nix expression>` pairs. */
  args?: Record<string, string>;
  /** `--argstr name <string>` pairs. */
  argstrs?: Record<string, string>;
  /** Every line the build prints: Nix's own messages and the builder's output. */
  onLine?: (line: string) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Runs nix-build and returns the output store path. The builder runs sandboxed (see nix/nix.conf). */
export async function nixBuild(nix: NixEnv, o: NixBuildOptions): Promise<string> {
  // The default log format prints the builder's own lines unprefixed, which the build log wants.
  const argv = [o.file, "--out-link", join(NIX_STATE.gcRoots, o.rootName)];
  for (const [k, v] of Object.entries(o.args ?? {})) argv.push("--arg", k, v);
  for (const [k, v] of Object.entries(o.argstrs ?? {})) argv.push("--argstr", k, v);
  const { stdout } = await runChecked("nix-build", argv, {
    env: nix.env,
    onLine: (line, stream) => {
      if (stream === "stderr") o.onLine?.(line);
    },
    signal: o.signal,
    timeoutMs: o.timeoutMs,
  });
  const path = stdout.trim().split("\n").pop() ?? "";
  if (!path.startsWith("/nix/store/")) throw new Error(`nix-build printed no store path (got "${path.slice(0, 200)}")`);
  return path;
}
