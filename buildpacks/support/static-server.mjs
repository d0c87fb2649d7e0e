// SkyPanel's static file server: the web process of static sites and single-page apps. No
// dependencies, Node only.
//
//   node static-server.mjs [--spa] [<site directory>]      listens on $PORT (default 5000)
//
// GET and HEAD only; a directory answers with its index.html (and a URL without the trailing
// slash is redirected to it); a missing file is 404, or the site's own 404.html. Paths never
// leave the site directory (no "..", no symlinks pointing out) and dotfiles are not served,
// except /.well-known/. Files are immutable once built, so each gets a strong ETag.
//
// --spa, for single-page apps (a Vite build, a Staticfile with pushstate): a path that is no
// file, asked for by a browser that accepts HTML, gets index.html with 200 so the app's own
// router can show it; anything else missing (a script, an image) stays 404. Hashed build
// assets (assets/<name>-<hash>.<ext>) are cached for a year as immutable, index.html is
// revalidated on every load (no-cache) so a new release is picked up at once.
import { createHash } from "node:crypto";
import { createReadStream, readFileSync, realpathSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, resolve, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".otf": "font/otf",
  ".wasm": "application/wasm",
  ".pdf": "application/pdf",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
  ".mp3": "audio/mpeg",
  ".ogg": "audio/ogg",
  ".zip": "application/zip",
};

const args = process.argv.slice(2);
const spa = args.includes("--spa");
const root = realpathSync(resolve(args.find((a) => a !== "--spa") ?? "."));
const { PORT } = process.env;
const port = Number(PORT || 5000);
const etags = new Map();
// Vite's asset names: <name>-<hash>.<ext> under assets/ (Vite 2: <name>.<hash>.<ext>), the hash
// 8 characters of base64url or hex. One that is all lowercase letters is more likely a word
// ("logo-original.png" from public/assets/) than a hash, so it is not trusted to be immutable.
const HASHED_ASSET = /^assets\/(?:[^/]*\/)*[^/]+[-.]([A-Za-z0-9_-]{8})\.[A-Za-z0-9]+$/;
const IMMUTABLE = "public, max-age=31536000, immutable";

/** The file a URL path names inside the site, or null when it is not servable. */
function locate(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { status: 400 };
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return { status: 400 };
  const segments = decoded.split("/").filter((s) => s !== "");
  if (segments.some((s) => s === ".." || (s.startsWith(".") && s !== ".well-known"))) return { status: 404 };
  let path = resolve(root, ...segments);
  try {
    path = realpathSync(path);
  } catch {
    return { status: 404 };
  }
  if (path !== root && !path.startsWith(root + sep)) return { status: 404 };
  const stat = statSync(path);
  if (stat.isDirectory()) {
    // One leading slash: "//host" would be a redirect to another site.
    if (!urlPath.endsWith("/")) return { status: 301, location: `${urlPath.replace(/^\/+/, "/")}/` };
    return locateFile(join(path, "index.html"));
  }
  return stat.isFile() ? { status: 200, path, size: stat.size } : { status: 404 };
}

function locateFile(path) {
  try {
    const real = realpathSync(path);
    if (!real.startsWith(root + sep)) return { status: 404 };
    const stat = statSync(real);
    return stat.isFile() ? { status: 200, path: real, size: stat.size } : { status: 404 };
  } catch {
    return { status: 404 };
  }
}

function etag(path) {
  let tag = etags.get(path);
  if (tag === undefined) {
    tag = `"${createHash("sha256").update(readFileSync(path)).digest("base64url").slice(0, 27)}"`;
    if (etags.size < 10_000) etags.set(path, tag);
  }
  return tag;
}

function cacheControl(path) {
  if (!spa) return "public, max-age=0, must-revalidate";
  const rel = path
    .slice(root.length + 1)
    .split(sep)
    .join("/");
  const hash = HASHED_ASSET.exec(rel)?.[1];
  if (hash !== undefined && /[^a-z]/.test(hash)) return IMMUTABLE;
  return rel === "index.html" ? "no-cache" : "public, max-age=0, must-revalidate";
}

function send(req, res, status, file) {
  const headers = {
    "content-type": TYPES[extname(file.path).toLowerCase()] ?? "application/octet-stream",
    "content-length": String(file.size),
    "x-content-type-options": "nosniff",
  };
  if (status === 200) {
    headers.etag = etag(file.path);
    headers["cache-control"] = cacheControl(file.path);
    if (req.headers["if-none-match"] === headers.etag) {
      res.writeHead(304, { etag: headers.etag, "cache-control": headers["cache-control"] });
      return res.end();
    }
  }
  res.writeHead(status, headers);
  if (req.method === "HEAD") return res.end();
  createReadStream(file.path)
    .on("error", () => res.destroy())
    .pipe(res);
}

/** A browser navigation (Accept names HTML), not a script, style or image request. */
function wantsHtml(req) {
  return /\btext\/html\b|\bapplication\/xhtml\+xml\b/i.test(req.headers.accept ?? "");
}

function plain(res, status, text, extra = {}) {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...extra });
  res.end(`${text}\n`);
}

const server = createServer((req, res) => {
  if (req.method !== "GET" && req.method !== "HEAD") return plain(res, 405, "method not allowed", { allow: "GET, HEAD" });
  const urlPath = (req.url ?? "/").split("?")[0].split("#")[0] || "/";
  if (!urlPath.startsWith("/")) return plain(res, 400, "bad request");
  let found;
  try {
    found = locate(urlPath);
  } catch {
    found = { status: 404 };
  }
  if (found.status === 200) return send(req, res, 200, found);
  if (found.status === 301) return plain(res, 301, "moved", { location: found.location });
  if (found.status === 404 && spa && wantsHtml(req)) {
    const app = locateFile(join(root, "index.html"));
    if (app.status === 200) return send(req, res, 200, app);
  }
  if (found.status === 404) {
    const page = locateFile(join(root, "404.html"));
    if (page.status === 200) return send(req, res, 404, page);
    return plain(res, 404, "not found");
  }
  return plain(res, found.status, "bad request");
});

server.listen(port, () => console.log(`serving ${root}${spa ? " as a single-page app" : ""} on port ${port}`));
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
