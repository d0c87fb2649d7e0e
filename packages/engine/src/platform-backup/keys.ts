// The key files of `<home>/keys/` travel wrapped under the operator's passphrase (scrypt +
// AES-256-GCM, the same seal as app exports); the passphrase itself is never in the archive.
// When Vault wraps every key file and no passphrase is given, they travel as they are: only
// Vault can open them. The local add-on server's login (local-addon-servers.json) stays behind:
// it belongs to the machine, and the new home makes its own at its first start.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkPassphrase, openWithPassphrase, sealWithPassphrase, WrongPassphraseError } from "../exports/index.ts";
import { BackupNotConfiguredError, DamagedBackupError, WrongBackupPassphraseError } from "./errors.ts";

const KEY_FILE = /^([A-Za-z0-9_-]{1,64}\.key|current)$/;

export type KeyWrapping = "passphrase" | "vault";

function keyFiles(home: string): Record<string, string> {
  const dir = join(home, "keys");
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)) if (KEY_FILE.test(name)) files[name] = readFileSync(join(dir, name), "utf8");
  return files;
}

/** The key files as one member's bytes, and how they are wrapped. */
export async function packKeys(home: string, passphrase: string | null): Promise<{ wrapping: KeyWrapping; data: Buffer }> {
  const files = keyFiles(home);
  const json = Buffer.from(JSON.stringify({ files }), "utf8");
  if (passphrase) return { wrapping: "passphrase", data: await sealWithPassphrase(json, checkPassphrase(passphrase)) };
  const plain = Object.entries(files).filter(([name, text]) => name !== "current" && !text.trim().startsWith("vault:"));
  if (plain.length > 0)
    throw new BackupNotConfiguredError(
      "A platform backup needs a passphrase to wrap the encryption keys (SKYPANEL_BACKUP_PASSPHRASE or SKYPANEL_BACKUP_PASSPHRASE_FILE).",
    );
  return { wrapping: "vault", data: json };
}

/** Opens the member (a wrong passphrase is refused here, before anything is written). */
export async function unpackKeys(data: Buffer, wrapping: KeyWrapping, passphrase: string | null): Promise<Record<string, string>> {
  let json = data;
  if (wrapping === "passphrase") {
    if (!passphrase) throw new WrongBackupPassphraseError();
    try {
      json = await openWithPassphrase(data, passphrase);
    } catch (err) {
      if (err instanceof WrongPassphraseError) throw new WrongBackupPassphraseError();
      throw new DamagedBackupError((err as Error).message);
    }
  }
  const parsed = JSON.parse(json.toString("utf8")) as { files?: Record<string, unknown> };
  const files: Record<string, string> = {};
  for (const [name, text] of Object.entries(parsed.files ?? {})) {
    if (!KEY_FILE.test(name) || typeof text !== "string") throw new DamagedBackupError(`its key files include ${JSON.stringify(name)}`);
    files[name] = text;
  }
  if (!files.current) throw new DamagedBackupError("its key files have no `current`");
  return files;
}

/** Writes them into the new home's keys/ (0700, files 0600). */
export function writeKeys(home: string, files: Record<string, string>) {
  const dir = join(home, "keys");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { mode: 0o600 });
}

/** Whether the home already has keys (a restore never overwrites them). */
export function hasKeys(home: string): boolean {
  const dir = join(home, "keys");
  return existsSync(dir) && readdirSync(dir).some((name) => KEY_FILE.test(name));
}
