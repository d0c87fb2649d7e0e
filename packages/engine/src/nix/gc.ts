import { readdirSync } from "node:fs";
import { join } from "node:path";
import { runChecked } from "../process/run.ts";
import type { NixEnv } from "./env.ts";
import { NIX_STATE } from "./paths.ts";
import { deleteGenerationsOlderThan, listGenerations } from "./profiles.ts";

export interface GcOptions {
  /** Report what would go, delete nothing. */
  dryRun?: boolean;
  /** Delete app profile generations older than this first (the current one always stays). */
  olderThanDays?: number;
  /** Stop once this many bytes are freed. */
  maxFreedBytes?: number;
}

export interface GcReport {
  dryRun: boolean;
  /** Generations removed (or, on a dry run, that would be) per app. */
  generations: { app: string; numbers: number[] }[];
  /** Store paths deleted, or on a dry run, dead now. */
  paths: number;
  bytes: number;
}

function appsWithProfiles(): string[] {
  try {
    return readdirSync(join(NIX_STATE.profiles, "apps")).filter((f) => !f.includes("-link"));
  } catch {
    return [];
  }
}

/**
 * Garbage collection by age and by size. Profiles and SkyPanel's GC roots keep every live
 * release and cached dependency layer, so only what nothing points at can go.
 */
export async function collectGarbage(nix: NixEnv, o: GcOptions = {}): Promise<GcReport> {
  const generations: GcReport["generations"] = [];
  if (o.olderThanDays !== undefined) {
    const cutoff = Date.now() - o.olderThanDays * 86_400_000;
    for (const app of appsWithProfiles()) {
      const old = (await listGenerations(nix, app)).filter((g) => !g.current && g.createdAt.getTime() < cutoff).map((g) => g.number);
      if (old.length === 0) continue;
      generations.push({ app, numbers: old });
      if (!o.dryRun) await deleteGenerationsOlderThan(nix, app, o.olderThanDays);
    }
  }
  if (o.dryRun) {
    const { stdout } = await runChecked("nix-store", ["--gc", "--print-dead"], { env: nix.env });
    const dead = stdout.split("\n").filter((l) => l.startsWith("/nix/store/"));
    let bytes = 0;
    for (let i = 0; i < dead.length; i += 200) {
      const { stdout: json } = await runChecked("nix", ["path-info", "--json", ...dead.slice(i, i + 200)], { env: nix.env });
      // Invalid leftovers (lock files of killed builds) have no size.
      bytes += (JSON.parse(json) as { narSize?: number }[]).reduce((sum, p) => sum + (p.narSize ?? 0), 0);
    }
    return { dryRun: true, generations, paths: dead.length, bytes };
  }
  const args = ["--gc"];
  if (o.maxFreedBytes !== undefined) args.push("--max-freed", String(o.maxFreedBytes));
  let summary = "";
  await runChecked("nix-store", args, {
    env: nix.env,
    onLine: (line) => {
      if (/store paths deleted/.test(line)) summary = line;
    },
  });
  // "12 store paths deleted, 3.45 MiB freed"
  const m = /(\d+) store paths deleted, ([\d.]+) MiB freed/.exec(summary);
  return { dryRun: false, generations, paths: Number(m?.[1] ?? 0), bytes: Math.round(Number(m?.[2] ?? 0) * 1024 * 1024) };
}

/** Hard-links identical files in the store; returns the bytes it saved. */
export async function optimiseStore(nix: NixEnv): Promise<{ bytesSaved: number; files: number }> {
  let summary = "";
  // A path deleted while the pass walks the store (a garbage collection or a build's clean-up
  // meanwhile) stops it with "getting status of …: No such file or directory"; the next pass
  // skips what is already linked, so running it again is cheap and finishes the work.
  for (let attempt = 1; ; attempt++) {
    try {
      await runChecked("nix-store", ["--optimise"], {
        env: nix.env,
        onLine: (line) => {
          if (/freed by hard-linking/.test(line)) summary = line;
        },
      });
      break;
    } catch (err) {
      if (attempt >= 3 || !/getting status of .*No such file or directory/.test((err as Error).message)) throw err;
    }
  }
  // "1.23 MiB freed by hard-linking 45 files"
  const m = /([\d.]+) MiB freed by hard-linking (\d+) files/.exec(summary);
  return { bytesSaved: Math.round(Number(m?.[1] ?? 0) * 1024 * 1024), files: Number(m?.[2] ?? 0) };
}
