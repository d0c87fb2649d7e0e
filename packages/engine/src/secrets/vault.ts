// HashiCorp Vault's transit engine as the master key: each data-encryption key file holds the key
// encrypted by Vault (`vault:v1:…`), so a copy of $SKYPANEL_HOME alone opens no config value.
// Only the HTTP API is used (POST /v1/<mount>/encrypt|decrypt/<key>), no Vault library.

export interface VaultSettings {
  /** e.g. https://vault.internal:8200 */
  address: string;
  token: string;
  /** The transit engine's mount path (default "transit"). */
  mount?: string;
  /** The transit key's name (default "skypanel"); it must exist in Vault. */
  keyName?: string;
  /** Per request (default 10 s). */
  timeoutMs?: number;
}

/** Wraps and unwraps data-encryption keys; the keyring stores only what `wrap` returns. */
export interface KeyWrapper {
  readonly name: string;
  wrap(raw: Buffer): Promise<string>;
  unwrap(wrapped: string): Promise<Buffer>;
}

export class VaultError extends Error {
  readonly code = "VAULT";
}

const SEGMENT = /^[A-Za-z0-9_.-]{1,128}$/;

export function vaultTransit(settings: VaultSettings): KeyWrapper {
  const mount = settings.mount ?? "transit";
  const keyName = settings.keyName ?? "skypanel";
  if (!mount.split("/").every((s) => SEGMENT.test(s)) || !SEGMENT.test(keyName)) {
    throw new VaultError(
      `Vault transit mount "${mount}" and key "${keyName}" may hold only letters, digits, "_", "-", "." (and "/" in the mount).`,
    );
  }
  const base = new URL(settings.address);
  if (base.protocol !== "https:" && base.protocol !== "http:")
    throw new VaultError(`Vault address ${settings.address} is not an http(s) URL.`);

  async function call(action: "encrypt" | "decrypt", body: Record<string, string>): Promise<Record<string, string>> {
    const url = new URL(`/v1/${mount}/${action}/${keyName}`, base);
    const send = () =>
      fetch(url, {
        method: "POST",
        headers: { "X-Vault-Token": settings.token, "Content-Type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(settings.timeoutMs ?? 10_000),
      });
    let res: Response;
    try {
      // Once more on a network error: a kept-alive connection the server closed meanwhile fails
      // the first write. Both calls are safe to repeat.
      res = await send().catch(send);
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message;
      throw new VaultError(`Vault at ${base.origin} did not answer (${(err as Error).message}${cause ? `: ${cause}` : ""}).`);
    }
    const answer = (await res.json().catch(() => ({}))) as { data?: Record<string, string>; errors?: string[] };
    if (!res.ok || !answer.data) {
      const why = answer.errors?.join("; ") || `HTTP ${res.status}`;
      throw new VaultError(`Vault refused to ${action} with transit key "${keyName}" at ${mount}: ${why}.`);
    }
    return answer.data;
  }

  return {
    name: `Vault transit key "${keyName}" at ${base.origin}`,
    async wrap(raw) {
      const data = await call("encrypt", { plaintext: raw.toString("base64") });
      if (!data.ciphertext?.startsWith("vault:")) throw new VaultError("Vault's encrypt answer held no ciphertext.");
      return data.ciphertext;
    },
    async unwrap(wrapped) {
      const data = await call("decrypt", { ciphertext: wrapped });
      if (typeof data.plaintext !== "string") throw new VaultError("Vault's decrypt answer held no plaintext.");
      return Buffer.from(data.plaintext, "base64");
    },
  };
}
