// The chaos cases' app: a Node.js app with no dependencies (a real Nix build, but a short one).
// `web` answers "steady <version>"; with `slowStart` it listens only after 4 s, so a deployment
// of it waits in its health check long enough to be interrupted. `hog` is the noisy neighbour:
// two threads spinning and a heap that grows until its cgroup's memory.max kills it.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { archive } from "../platform-process.testing.ts";

const SERVER = `const http = require("node:http");
const fs = require("node:fs");
// Written by the build script: an app with no dependencies and a build step builds (a buildpack
// once failed copying the node_modules such an app does not have).
const version = fs.readFileSync(__dirname + "/built-version.txt", "utf8").trim();
const delay = fs.existsSync(__dirname + "/slow-start") ? 4000 : 0;
setTimeout(() => http.createServer((req, res) => res.end("steady " + version)).listen(Number(process.env.PORT)), delay);
`;

const HOG = `const { Worker } = require("node:worker_threads");
for (let i = 0; i < 2; i++) new Worker("for (;;) {}", { eval: true });
const held = [];
// 4 MB touched every 250 ms: past its memory.max within seconds, then the OOM killer ends it.
setInterval(() => held.push(Buffer.alloc(4 * 1024 * 1024, 1)), 250);
`;

/**
 * `fresh`: a source never built before (a random file), so Nix cannot reuse an earlier result and
 * the build runs a real nix-build.
 */
export function appArchive(version: string, options: { slowStart?: boolean; fresh?: boolean } = {}): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "skypanel-chaos-app-"));
  try {
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify(
        {
          name: "chaos-steady",
          version: "1.0.0",
          private: true,
          engines: { node: "20.x" },
          scripts: { build: "node -e \"require('fs').copyFileSync('version.txt', 'built-version.txt')\"" },
        },
        null,
        2,
      ),
    );
    writeFileSync(
      join(dir, "package-lock.json"),
      JSON.stringify(
        {
          name: "chaos-steady",
          version: "1.0.0",
          lockfileVersion: 3,
          requires: true,
          packages: { "": { name: "chaos-steady", version: "1.0.0" } },
        },
        null,
        2,
      ),
    );
    writeFileSync(join(dir, "Procfile"), "web: node server.js\nhog: node hog.js\n");
    writeFileSync(join(dir, "server.js"), SERVER);
    writeFileSync(join(dir, "hog.js"), HOG);
    writeFileSync(join(dir, "version.txt"), `${version}\n`);
    if (options.slowStart) writeFileSync(join(dir, "slow-start"), "");
    if (options.fresh) writeFileSync(join(dir, "nonce.txt"), randomUUID());
    return archive(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
