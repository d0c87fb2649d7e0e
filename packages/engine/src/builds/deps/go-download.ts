// Running `go mod download` for the Go dependency layer: as the unprivileged user, with none of
// the platform's environment but the settings chosen here, and its failures in words for the user.
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "../../errors.ts";
import { CommandFailedError, runChecked } from "../../process/run.ts";
import { type BuildNetwork, networkEnv } from "../network.ts";
import { asUnprivileged } from "../workspace.ts";
import type { FetchContext } from "./types.ts";

/** Go's own default: the public module proxy, then the origin when the proxy has no copy. */
export const DEFAULT_PROXY = "https://proxy.golang.org,direct";
/** The module proxy the platform's settings name (GOPROXY), else Go's default. */
export function moduleProxy(network: BuildNetwork): string {
  return network.goProxy || DEFAULT_PROXY;
}

export interface GoRun {
  home: string;
  /** GOMODCACHE: where modules are downloaded and unpacked. */
  modCache: string;
  /** GOPROXY for this run. */
  proxy: string;
  /** Where the proxy is, in words for an error. */
  via: string;
  /** A directory to put before the toolchain's PATH (a fetched Go's bin/). */
  goBin?: string;
  /** Keep the output out of the build's log (it is returned). */
  quiet?: boolean;
}

/**
 * Of the platform's settings, only where modules come from (r.proxy) and how the network is
 * reached (proxies, TLS trust). Never GONOSUMDB, GOPRIVATE, GOINSECURE or GOFLAGS: nothing may
 * skip go.sum or the checksum database.
 */
function goEnv(ctx: FetchContext, r: GoRun): NodeJS.ProcessEnv {
  return {
    ...networkEnv(ctx.network),
    PATH: r.goBin ? `${r.goBin}:${ctx.path}` : ctx.path,
    HOME: r.home,
    GOENV: "off",
    GOPATH: join(r.home, "go"),
    GOCACHE: join(r.home, "go-build"),
    GOMODCACHE: r.modCache,
    GOPROXY: r.proxy,
    GO111MODULE: "on",
    GOTOOLCHAIN: "local",
    // The module cache stays removable by anyone who may remove the work directory.
    GOFLAGS: "-modcacherw",
  };
}

/** Runs `go <args>` in `cwd` as the unprivileged user; its output lines. */
export async function runGo(ctx: FetchContext, cwd: string, r: GoRun, args: string[]): Promise<string[]> {
  const output: string[] = [];
  try {
    await runChecked(...asUnprivileged("go", args), {
      cwd,
      env: goEnv(ctx, r),
      onLine: (line) => {
        output.push(line);
        if (!r.quiet) ctx.log(line);
      },
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
    });
  } catch (err) {
    if (err instanceof CommandFailedError) throw downloadFailure(output, r.via);
    throw err;
  }
  return output;
}

/** What a failed `go mod download` means, in words for the user. */
function downloadFailure(output: string[], via: string): ValidationError {
  const text = output.join("\n");
  const mismatch = /verifying (\S+): checksum mismatch\s+downloaded:\s*(\S+)\s+go\.sum:\s*(\S+)/.exec(text);
  if (mismatch) {
    return new ValidationError(
      `go.sum does not match ${mismatch[1]} as the Go module proxy serves it (go.sum has ${mismatch[3]}, the download is ${mismatch[2]}), so Go refused it. If go.sum was edited by hand, run 'go mod tidy' and commit go.sum; if not, the module changed since go.sum was written: check it before trusting it.`,
    );
  }
  const why = output.filter((l) => l.trim() !== "" && !/^\s*[{}"]/.test(l)).slice(-3);
  return new ValidationError(`go mod download could not fetch go.mod's modules through ${via}: ${why.join(" ") || "it failed"}`);
}

/** go.sum lines `go mod download` had to add: sums the committed go.sum lacks, as module@version. */
export function addedSums(before: string, after: string): string[] {
  const had = new Set(before.split("\n").map((l) => l.trim()));
  const added = after.split("\n").filter((l) => l.trim() !== "" && !had.has(l.trim()));
  return [
    ...new Set(
      added.map((l) =>
        l
          .split(/\s+/)
          .slice(0, 2)
          .join("@")
          .replace(/\/go\.mod$/, ""),
      ),
    ),
  ];
}

/** Removes what only the download needed (locks, the checksum database's tiles) from a proxy tree. */
export function pruneProxyTree(dir: string) {
  rmSync(join(dir, "sumdb"), { recursive: true, force: true });
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(".lock")) rmSync(join(entry.parentPath, entry.name));
  }
}
