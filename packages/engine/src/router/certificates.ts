// What certificate Caddy holds for a hostname, read from its storage: Caddy keeps each one at
// `<storage>/certificates/<issuer>/<host>/<host>.crt` (the newest issuer's wins here).
import { X509Certificate } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface StoredCertificate {
  hostname: string;
  issuer: string;
  expiresAt: Date;
}

export function readCertificate(storageRoot: string, hostname: string): StoredCertificate | null {
  const base = join(storageRoot, "certificates");
  let issuers: string[];
  try {
    issuers = readdirSync(base);
  } catch {
    return null;
  }
  let best: StoredCertificate | null = null;
  for (const issuerDir of issuers) {
    let pem: string;
    try {
      pem = readFileSync(join(base, issuerDir, hostname, `${hostname}.crt`), "utf8");
    } catch {
      continue;
    }
    // The file holds the chain; the leaf comes first.
    const cert = new X509Certificate(pem);
    const expiresAt = new Date(cert.validTo);
    if (!best || expiresAt > best.expiresAt) best = { hostname, issuer: cert.issuer.replace(/\n/g, ", "), expiresAt };
  }
  return best;
}
