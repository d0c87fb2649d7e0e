// `npm run restore -- --from <file|s3://bucket/key> [--home <dir>]`: a platform backup into a
// fresh SKYPANEL_HOME (and, with DATABASE_URL, an empty PostgreSQL database) before the platform
// starts there. The passphrase and bucket come from SKYPANEL_BACKUP_*; add-ons are made again on
// SKYPANEL_ADDON_POSTGRES_URL, or (as root) this machine's PostgreSQL as the platform would use it.
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { localAddonServers, restorePlatformBackup } from "@skypanel/engine";
import { backupConfigFromEnv } from "./backup-config.ts";

async function main() {
  const { values } = parseArgs({ options: { from: { type: "string" }, home: { type: "string" } } });
  if (!values.from) throw new Error("Give the backup: --from <file> or --from s3://<bucket>/<key>.");
  const home = resolve(process.env.INIT_CWD ?? process.cwd(), values.home ?? process.env.SKYPANEL_HOME ?? ".skypanel");
  const backup = backupConfigFromEnv(process.env, home);
  // Like the platform's start: the operator's server, else (as root) this machine's with the home's own login.
  const addonPostgresUrl = async () => {
    if (process.env.SKYPANEL_ADDON_POSTGRES_URL) return process.env.SKYPANEL_ADDON_POSTGRES_URL;
    if (process.env.SKYPANEL_ADDON_LOCAL_SERVERS === "off" || process.getuid?.() !== 0) return null;
    const local = await localAddonServers({ home, postgresql: true, redis: false });
    for (const note of local.notes) console.log(`[restore] ${note}`);
    return local.postgresUrl ?? null;
  };
  const started = Date.now();
  const summary = await restorePlatformBackup({
    from: values.from,
    s3: backup.s3,
    passphrase: backup.passphrase,
    home,
    controlDb: process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : { pgliteDir: join(home, "pgdata") },
    addonPostgresUrl,
    ...(process.env.SKYPANEL_VAULT_ADDR
      ? {
          vault: {
            address: process.env.SKYPANEL_VAULT_ADDR,
            token: process.env.SKYPANEL_VAULT_TOKEN ?? "",
            mount: process.env.SKYPANEL_VAULT_TRANSIT_MOUNT ?? "transit",
            keyName: process.env.SKYPANEL_VAULT_TRANSIT_KEY ?? "skypanel",
          },
        }
      : {}),
    onProgress: (p) => console.log(`[restore] ${p.step}: ${p.detail}`),
  });
  console.log(
    `[restore] done in ${((Date.now() - started) / 1000).toFixed(1)} s: backup of ${summary.manifest.createdAt}, ` +
      `${summary.manifest.releases.length} app release(s), ${summary.storePaths} store path(s), ${summary.addonsRestored.length} PostgreSQL add-on(s)`,
  );
  for (const note of summary.notes) console.log(`[restore] note: ${note}`);
  console.log(
    `[restore] start the platform with SKYPANEL_HOME=${home}${process.env.DATABASE_URL ? " and the same DATABASE_URL" : ""}: npm start`,
  );
}

main().catch((err) => {
  console.error(`[restore] ${(err as Error).message}`);
  process.exit(1);
});
