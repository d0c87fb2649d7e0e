import { domainToASCII } from "node:url";
import { InvalidDomainError } from "../errors.ts";

export const DOMAIN_RULE =
  "A domain is a DNS name of at least two labels (like www.example.com), at most 253 characters; each label is 1 to 63 letters, digits or dashes, not starting or ending with a dash.";

// RFC 1123: a label may start with a digit, not with or end with a dash.
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
// Longer input is refused before any parsing: the longest name, in Unicode, is far shorter.
const MAX_INPUT = 1000;

/**
 * The domain as the router and DNS see it: lowercase, IDN converted to punycode
 * (bücher.example → xn--bcher-kva.example). Throws `InvalidDomainError` with the rule.
 */
export function checkDomainName(input: string): string {
  const text = input.trim().replace(/\.$/, "");
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  const invalid = (why: string) => new InvalidDomainError(`"${shown}" is not a domain this app can use: ${why}. ${DOMAIN_RULE}`);
  if (text.length === 0) throw new InvalidDomainError(`Enter a domain, like www.example.com. ${DOMAIN_RULE}`);
  if (text.length > MAX_INPUT) throw invalid("it is far too long");
  if (text.includes("*")) throw invalid("wildcard domains are not supported");
  // domainToASCII parses a URL host: it would cut "a.com/x" to "a.com" and decode "%41".
  // Only letters, digits, marks, dots and dashes reach it; no invisible or control character.
  if (/[^\p{L}\p{M}\p{N}.-]/u.test(text)) {
    throw invalid("it may hold only letters, digits, dashes and dots (no scheme, port, path or spaces)");
  }
  const lower = text.toLowerCase();
  const ascii = domainToASCII(lower);
  if (!ascii) throw invalid("it is not a valid internationalised name");
  // Pure ASCII comes back unchanged unless the URL parser read it as something else (0x7f.1 → 127.0.0.1).
  if (/^[a-z0-9.-]*$/.test(lower) && ascii !== lower) throw invalid("it reads as an address, not a name");
  if (ascii.length > 253) throw invalid(`it is ${ascii.length} characters long`);
  const labels = ascii.split(".");
  if (labels.length < 2) throw invalid("it needs at least two labels");
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) throw invalid(bad === "" ? "it has an empty label" : `the label "${bad.slice(0, 63)}" breaks the label rule`);
  if (/^\d+$/.test(labels[labels.length - 1] ?? "")) throw invalid("it ends in a number, like an IP address");
  return ascii;
}

/** True when `hostname` is the platform's base domain or a name under it (those are the platform's). */
export function underBaseDomain(hostname: string, baseDomain: string): boolean {
  return hostname === baseDomain || hostname.endsWith(`.${baseDomain}`);
}
