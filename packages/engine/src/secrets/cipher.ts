import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Keyring } from "./keyring.ts";

export interface Sealed {
  /** Ciphertext followed by the 16-byte GCM tag. */
  ciphertext: Uint8Array;
  nonce: Uint8Array;
  keyId: string;
}

const TAG_BYTES = 16;

/**
 * AES-256-GCM. `context` is bound as additional data (the app id and key name), so a value
 * copied into another row or app fails to open instead of silently moving.
 */
export function seal(keyring: Keyring, plaintext: string, context: string): Sealed {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyring.key(keyring.currentId), nonce);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { ciphertext: Buffer.concat([body, cipher.getAuthTag()]), nonce, keyId: keyring.currentId };
}

export function open(keyring: Keyring, sealed: Sealed, context: string): string {
  const data = Buffer.from(sealed.ciphertext);
  const decipher = createDecipheriv("aes-256-gcm", keyring.key(sealed.keyId), Buffer.from(sealed.nonce));
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString("utf8");
}
