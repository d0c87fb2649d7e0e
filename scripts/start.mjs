#!/usr/bin/env node
// `npm start`: builds the dashboard when its sources are newer than the build, then runs the
// platform (migrations, API, dashboard) in this one process on its embedded defaults.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`[skypanel] Node.js 20.19 or newer is needed; this is ${process.version}.`);
  process.exit(1);
}
if (!existsSync(join(root, "node_modules", "tsx"))) {
  console.error('[skypanel] dependencies are not installed: run "npm ci" first (or bash scripts/up.sh).');
  process.exit(1);
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

const web = join(root, "apps", "web");
const built = join(web, "dist", "index.html");
const sources = ["src", "index.html", "vite.config.ts", "package.json", "public"].map((p) => newestMtime(join(web, p)));
if (!existsSync(built) || Math.max(...sources) > statSync(built).mtimeMs) {
  console.log("[skypanel] building the dashboard (apps/web)…");
  const build = spawnSync("npm", ["run", "build", "-w", "@skypanel/web"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) {
    console.error("[skypanel] the dashboard build failed; see above.");
    process.exit(1);
  }
}

const { register } = await import("tsx/esm/api");
register();
await import(join(root, "apps", "bff", "src", "main.ts"));
