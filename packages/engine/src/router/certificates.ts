// What certificate Caddy holds for a hostname, read from its storage: Caddy keeps each one at
// `<storage>/certificates/<issuer>/<host>/<host>.crt` (the newest issuer's wins here).
import { X509Certificate } from "node:crypto";
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
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

export interface ObtainFailure {
  at: Date;
  error: string;
}

// Caddy 2.6 logs each failed attempt as `{"level":"error","logger":"tls.obtain","msg":"could not
// get certificate from issuer","identifier":"<host>","error":"…"}` and retries with backoff.
const FAILURE_MSG = "could not get certificate from issuer";
const LOG_TAIL_BYTES = 512 * 1024;

/**
 * Why Caddy last failed to obtain `hostname`'s certificate, from the tail of its log; null when
 * the log names no failure for it. Older failures than `since` (a certificate issued later) do not count.
 */
export function readObtainFailure(logFile: string, hostname: string, since?: Date): ObtainFailure | null {
  let text: string;
  try {
    const size = statSync(logFile).size;
    const fd = openSync(logFile, "r");
    try {
      const length = Math.min(size, LOG_TAIL_BYTES);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      text = buffer.toString("utf8");
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  let last: ObtainFailure | null = null;
  for (const line of text.split("\n")) {
    if (!line.includes(FAILURE_MSG) || !line.includes(hostname)) continue;
    try {
      const entry = JSON.parse(line) as { ts?: number; msg?: string; identifier?: string; error?: string };
      if (entry.msg !== FAILURE_MSG || entry.identifier !== hostname) continue;
      const at = new Date((entry.ts ?? 0) * 1000);
      if (since && at <= since) continue;
      last = { at, error: String(entry.error ?? "no reason given").slice(0, 1_000) };
    } catch {
      // A line cut by the tail's start, or not Caddy's JSON: not a failure record.
    }
  }
  return last;
}
