// The name this control plane's instances go under on the host: their cgroup parent, their state
// folder under /run/skypanel/instances/, and the owner of its service addresses' nftables table.
// Two platforms on one machine (another SKYPANEL_HOME) must not share it: each stops the running
// instances it does not know at start, and replaces its whole nftables table on each sync.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** What every platform used before the name was kept per home. */
export const SHARED_RUNTIME_NAME = "skypanel";
const NAME = /^[a-z0-9][a-z0-9_]{0,39}$/;

/**
 * Whether the home was in use by a platform before this start: its keyring has a current key.
 * Not merely a `keys` folder: the add-on servers' settings (addons/local-servers.ts) are written
 * there before the engine starts, and a fresh home read as "in use" got the shared name, so two
 * new platforms on one machine stopped each other's instances.
 */
export function homeInUse(home: string): boolean {
  return existsSync(join(home, "keys", "current"));
}

/**
 * The home's runtime name, made once and kept in `$SKYPANEL_HOME/runtime-name`. A home that was
 * already in use before (its keyring has a key, `existed`: homeInUse) keeps the shared name, so an upgrade re-adopts
 * the instances running under it; a new home gets a name of its own.
 */
export function runtimeName(home: string, existed: boolean): string {
  const file = join(home, "runtime-name");
  if (existsSync(file)) {
    const kept = readFileSync(file, "utf8").trim();
    if (!NAME.test(kept)) throw new Error(`${file} holds "${kept.slice(0, 40)}", which is no runtime name; remove it to get a new one.`);
    return kept;
  }
  const name = existed ? SHARED_RUNTIME_NAME : `sp${randomBytes(6).toString("hex")}`;
  writeFileSync(file, `${name}\n`, { mode: 0o600 });
  return name;
}
