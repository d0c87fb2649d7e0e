import { hash, verify } from "@node-rs/argon2";
import { ValidationError } from "../errors.ts";

export const PASSWORD_MIN = 8;
// argon2 cost grows with input; a cap keeps a login request from becoming a CPU sink.
export const PASSWORD_MAX = 256;

export function checkPasswordRule(password: string) {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    throw new ValidationError(`A password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long.`);
  }
}

/** argon2id with the library's defaults (19 MiB, 2 passes), as OWASP recommends. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verified against when the email is unknown, so both cases take the same time.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (password.length > PASSWORD_MAX) return false;
  if (!passwordHash) {
    dummyHash ??= hash("not-a-real-password");
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
