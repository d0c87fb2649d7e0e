import { chmodSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "../errors.ts";
import { run, runChecked } from "../process/run.ts";
import type { NixEnv } from "./env.ts";

export interface SigningKey {
  name: string;
  secretKeyFile: string;
  publicKey: string;
}

/** A `file://` or `ssh://` binary cache URL; anything else is refused before Nix sees it. */
export function checkCacheUrl(url: string): string {
  if (!/^(file:\/\/\/|ssh:\/\/|ssh-ng:\/\/)[^\s'"`;|&$]+$/.test(url)) {
    throw new ValidationError(`"${url}" is not a binary cache SkyPanel can copy to; use file:///path or ssh://host.`);
  }
  return url;
}

/**
 * Copies a path and its whole closure to a binary cache or another machine's store.
 * `sshOpts` (NIX_SSHOPTS) carries the key and port for ssh:// targets.
 */
export async function copyClosure(nix: NixEnv, path: string, to: string, o: { onLine?: (l: string) => void; sshOpts?: string } = {}) {
  await runChecked("nix", ["copy", "--to", checkCacheUrl(to), path], {
    env: { ...nix.env, ...(o.sshOpts ? { NIX_SSHOPTS: o.sshOpts } : {}) },
    onLine: (l) => o.onLine?.(l),
    timeoutMs: 30 * 60_000,
  });
}

/** Creates a signing key pair in `dir` (secret key file mode 0600). */
export async function generateSigningKey(nix: NixEnv, dir: string, name: string): Promise<SigningKey> {
  if (!/^[A-Za-z0-9.-]{1,64}$/.test(name)) throw new ValidationError("A key name is letters, digits, dots and dashes.");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secretKeyFile = join(dir, `${name}.secret`);
  const publicFile = join(dir, `${name}.public`);
  await runChecked("nix-store", ["--generate-binary-cache-key", name, secretKeyFile, publicFile], { env: nix.env });
  chmodSync(secretKeyFile, 0o600);
  return { name, secretKeyFile, publicKey: readFileSync(publicFile, "utf8").trim() };
}

/** Signs a path and its closure. */
export async function signClosure(nix: NixEnv, path: string, key: SigningKey) {
  await runChecked("nix", ["store", "sign", "--recursive", "--key-file", key.secretKeyFile, path], { env: nix.env });
}

/** Whether every path of the closure carries a valid signature by one of `publicKeys`. */
export async function verifySignatures(nix: NixEnv, path: string, publicKeys: string[], store?: string): Promise<boolean> {
  const args = ["store", "verify", "--recursive", "--sigs-needed", "1", "--trusted-public-keys", publicKeys.join(" ")];
  if (store) args.push("--store", checkCacheUrl(store));
  const result = await run("nix", [...args, path], { env: nix.env });
  return result.code === 0;
}
