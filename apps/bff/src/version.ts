// The platform's version as backups record it: the CLI's package version and, in a git clone, the commit.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

function commit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: fileURLToPath(new URL(".", import.meta.url)),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return "";
  }
}

const cliPackage = JSON.parse(readFileSync(new URL("../../../packages/cli/package.json", import.meta.url), "utf8")) as { version?: string };
const sha = commit();
export const PLATFORM_VERSION = `${cliPackage.version ?? "0.0.0"}${sha ? `+${sha}` : ""}`;
