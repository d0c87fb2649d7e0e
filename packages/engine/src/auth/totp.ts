// TOTP (RFC 6238) as authenticator apps do it: SHA-1, 6 digits, 30-second steps.
import { Secret, TOTP } from "otpauth";

export const TOTP_PERIOD_SECONDS = 30;
/** Codes one step early or late are accepted, for clocks that drift and codes typed slowly. */
export const TOTP_WINDOW = 1;
const ISSUER = "SkyPanel";

/** A new random secret (160 bits, as RFC 4226 recommends), in base32 as apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpFor(secretBase32: string, label = "") {
  return new TOTP({ issuer: ISSUER, label, secret: Secret.fromBase32(secretBase32), period: TOTP_PERIOD_SECONDS });
}

/** The `otpauth://totp/...` URI an authenticator app reads from a QR code or a link. */
export function totpUri(secretBase32: string, accountName: string): string {
  return totpFor(secretBase32, accountName).toString();
}

/** The time step a right code belongs to (for replay checks), or null for a wrong code. */
export function matchTotp(secretBase32: string, code: string, atMs: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const totp = totpFor(secretBase32);
  const delta = totp.validate({ token: code, timestamp: atMs, window: TOTP_WINDOW });
  return delta === null ? null : totp.counter({ timestamp: atMs }) + delta;
}

/** The code for a moment; for tests and for nothing else. */
export function totpCodeAt(secretBase32: string, atMs: number): string {
  return totpFor(secretBase32).generate({ timestamp: atMs });
}
