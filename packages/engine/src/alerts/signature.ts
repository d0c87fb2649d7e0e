// How a webhook receiver knows a notice came from this platform and is not a replay: the body is
// signed with the channel's secret, together with the time it was sent.
//   X-SkyPanel-Timestamp: <unix seconds>
//   X-SkyPanel-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
// A receiver recomputes the HMAC over the raw bytes it got, compares in constant time, and refuses
// a timestamp more than five minutes from its own clock (README.md, "Alerts", shows the code).
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "X-SkyPanel-Signature";
export const TIMESTAMP_HEADER = "X-SkyPanel-Timestamp";
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** The receiver's side: true only for our signature over exactly this body, sent recently. */
export function verifySignature(
  secret: string,
  body: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp)) return false;
  if (Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(signBody(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
