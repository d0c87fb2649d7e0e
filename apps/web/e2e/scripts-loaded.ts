import { gzipSync } from "node:zlib";
import type { Page, Response } from "@playwright/test";

/**
 * The JavaScript a page downloads while `load` runs: how many files, their names, and their
 * gzipped size (the platform serves them uncompressed; gzip -9 is what a compressing proxy sends).
 */
export async function scriptsLoaded(page: Page, load: () => Promise<void>) {
  const bodies: Promise<{ url: string; body: Buffer }>[] = [];
  const onResponse = (r: Response) => {
    if (r.request().resourceType() === "script") bodies.push(r.body().then((body) => ({ url: r.url(), body })));
  };
  page.on("response", onResponse);
  await load();
  page.off("response", onResponse);
  const all = await Promise.all(bodies);
  return {
    files: all.map((f) => new URL(f.url).pathname.split("/").pop() ?? f.url),
    gzippedBytes: all.reduce((sum, f) => sum + gzipSync(f.body, { level: 9 }).length, 0),
  };
}
