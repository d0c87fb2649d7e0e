// The token the platform's Prometheus scrapes /metrics with: SKYPANEL_METRICS_TOKEN when set,
// else one the platform makes once and keeps in its home, so it survives restarts (and an
// operator's own scraper may read it from there). Files are 0600: the token reads every app's numbers.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { embeddedPrometheusPaths } from "./paths.ts";

/** What SKYPANEL_METRICS_TOKEN accepts: 16 to 512 printable characters without spaces. */
const TOKEN = /^[\x21-\x7e]{16,512}$/;

/** The scrape token: `configured` (SKYPANEL_METRICS_TOKEN) or the one kept in the home, made if missing. */
export function keptScrapeToken(home: string, configured: string | null): string {
  if (configured !== null) return configured;
  const paths = embeddedPrometheusPaths(home);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  try {
    const kept = readFileSync(paths.generatedTokenFile, "utf8").trim();
    if (TOKEN.test(kept)) return kept;
  } catch {
    // None yet.
  }
  const token = `skpm_${randomBytes(24).toString("base64url")}`;
  writeSecret(paths.generatedTokenFile, token);
  return token;
}

/** Writes `text` readable by the platform's user only, also when the file was there with wider modes. */
export function writeSecret(path: string, text: string): void {
  writeFileSync(path, `${text}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}
