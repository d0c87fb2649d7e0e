// SkyPanel's static file server: the web process of static sites. No dependencies, Node only.
//
//   node static-server.mjs [<site directory>]      listens on $PORT (default 5000)
//
// GET and HEAD only; a directory answers with its index.html (and a URL without the trailing
// slash is redirected to it); a missing file is 404, or the site's own 404.html. Paths never
// leave the site directory (no "..", no symlinks pointing out) and dotfiles are not served,
// except /.well-known/. Files are immutable once built, so each gets a strong ETag.
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

const root = realpathSync(resolve(process.argv[2] ?? "."));
const { PORT } = process.env;
const port = Number(PORT || 5000);
const etags = new Map();

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

function send(req, res, status, file) {
  const headers = {
    "content-type": TYPES[extname(file.path).toLowerCase()] ?? "application/octet-stream",
    "content-length": String(file.size),
    "x-content-type-options": "nosniff",
  };
  if (status === 200) {
    headers.etag = etag(file.path);
    headers["cache-control"] = "public, max-age=0, must-revalidate";
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
  if (found.status === 404) {
    const page = locateFile(join(root, "404.html"));
    if (page.status === 200) return send(req, res, 404, page);
    return plain(res, 404, "not found");
  }
  return plain(res, found.status, "bad request");
});

server.listen(port, () => console.log(`serving ${root} on port ${port}`));
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
