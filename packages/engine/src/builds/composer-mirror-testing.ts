// A mock of Packagist for PHP build tests: a static Composer repository (packages.json with a
// metadata-url, p2 metadata, zip dists) served on 127.0.0.1, since packagist.org is not reachable
// from this machine. The packages are written here, tiny: a composer.json and one PHP class each.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

interface MockPackage {
  name: string;
  version: string;
  /** The git reference composer.lock names (40 hex digits). */
  reference: string;
  namespace: string;
  /** The class file src/<class>.php. */
  className: string;
  body: string;
  /** Serve other bytes than the shasum the metadata advertises (a tampered archive). */
  tampered?: boolean;
}

export const GREETING: MockPackage = {
  name: "skypanel-test/greeting",
  version: "1.0.0",
  reference: "1f0c2a6e3b9d4c5a7e8f90123456789abcdef012",
  namespace: "SkypanelTest\\Greeting\\",
  className: "Greeting",
  body: 'public static function hello(string $who): string { return "Hello, $who, from skypanel-test/greeting 1.0.0"; }',
};

export const TAMPERED: MockPackage = {
  name: "skypanel-test/tampered",
  version: "2.1.0",
  reference: "2e1d3b7f4c0a5d6b8f9a01234567890bcdef0123",
  namespace: "SkypanelTest\\Tampered\\",
  className: "Tampered",
  body: "public static function ok(): bool { return true; }",
  tampered: true,
};

/** A zip with stored (uncompressed) entries and a fixed date: the same bytes every time, so a committed shasum holds. */
export function deterministicZip(files: Record<string, string>): Buffer {
  const script = [
    "import json, sys, zipfile, io",
    "files = json.load(sys.stdin)",
    "buf = io.BytesIO()",
    "with zipfile.ZipFile(buf, 'w', zipfile.ZIP_STORED) as z:",
    "    for name in sorted(files):",
    "        info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))",
    "        info.external_attr = 0o644 << 16",
    "        z.writestr(info, files[name])",
    "sys.stdout.buffer.write(buf.getvalue())",
  ].join("\n");
  const made = spawnSync("/usr/bin/python3", ["-c", script], { input: JSON.stringify(files), maxBuffer: 1 << 24 });
  if (made.status !== 0) throw new Error(`zip failed: ${made.stderr}`);
  return made.stdout;
}

function dist(p: MockPackage): Buffer {
  const dir = `${p.name.replace("/", "-")}-${p.reference.slice(0, 7)}/`;
  const php = `<?php\nnamespace ${p.namespace.slice(0, -1)};\n\nfinal class ${p.className}\n{\n    ${p.body}\n}\n`;
  const json = { name: p.name, type: "library", require: { php: ">=8.1" }, autoload: { "psr-4": { [p.namespace]: "src/" } } };
  return deterministicZip({ [`${dir}composer.json`]: `${JSON.stringify(json, null, 4)}\n`, [`${dir}src/${p.className}.php`]: php });
}

export const shasumOf = (p: MockPackage) =>
  createHash("sha1")
    .update(dist({ ...p, tampered: false }))
    .digest("hex");

export interface MockPackagist {
  url: string;
  /** Requests the mirror answered, by path. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `packages` as a Composer repository on 127.0.0.1 until close(). */
export async function startMockPackagist(packages: MockPackage[] = [GREETING, TAMPERED]): Promise<MockPackagist> {
  const requests: string[] = [];
  let base = "";
  const zipPath = (p: MockPackage) => `/dists/${p.name}/${p.version}.zip`;
  const metadata = (p: MockPackage) => ({
    name: p.name,
    version: p.version,
    version_normalized: `${p.version}.0`,
    type: "library",
    require: { php: ">=8.1" },
    autoload: { "psr-4": { [p.namespace]: "src/" } },
    dist: { type: "zip", url: `${base}${zipPath(p)}`, reference: p.reference, shasum: shasumOf(p) },
  });
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    requests.push(path);
    const json = (body: unknown) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (path === "/packages.json") return json({ packages: [], "metadata-url": "/p2/%package%.json" });
    for (const p of packages) {
      if (path === `/p2/${p.name}.json`) return json({ packages: { [p.name]: [metadata(p)] } });
      if (path === zipPath(p)) {
        const bytes = dist(p);
        res.writeHead(200, { "content-type": "application/zip" });
        // A tampered archive: one byte of the class file changed after the shasum was published.
        return res.end(p.tampered ? Buffer.from(bytes.toString("latin1").replace("return true", "return 1==1"), "latin1") : bytes);
      }
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: base, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
