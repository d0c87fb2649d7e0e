// Recovery codes: for signing in when the authenticator is lost. Each works once; only hashes are kept.
import { randomBytes } from "node:crypto";
import { hashToken } from "./tokens.ts";

export const RECOVERY_CODE_COUNT = 10;
// No 0/O or 1/I/L, so a code read off paper is typed right.
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/** `XXXX-XXXX-XXXX-XXXX`: 16 characters from 31, about 79 bits, so a SHA-256 of it needs no salt or slow hash. */
function newRecoveryCode(): string {
  const bytes = randomBytes(16);
  const chars = Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join("");
  return chars.match(/.{4}/g)?.join("-") ?? chars;
}

/** Codes typed in any case, with or without dashes and spaces, are the same code. */
export function normaliseRecoveryCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, "");
}

export function looksLikeRecoveryCode(code: string): boolean {
  return /^[A-Z0-9]{16}$/.test(normaliseRecoveryCode(code));
}

export function hashRecoveryCode(code: string): string {
  return hashToken(`recovery:${normaliseRecoveryCode(code)}`);
}

/** A fresh set: the codes to show once, and the hashes to store. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  return { codes, hashes: codes.map(hashRecoveryCode) };
}
