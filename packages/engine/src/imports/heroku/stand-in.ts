// STAND-IN for Heroku's Platform API v3 and its Postgres data API, for tests only: Heroku is not
// reachable from here. It serves a model the test describes, in Heroku's published shapes and
// error bodies, and holds the client to the documented request (bearer token, the version=3
// Accept header, Range paging). Slug and dump blobs sit at pre-signed-looking URLs.
import { randomBytes } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  addonShapes,
  appShape,
  attachmentShapes,
  buildpackShapes,
  domainShapes,
  formationShapes,
  type HerokuStandInModel,
  releaseShapes,
  type StandInApp,
  slugShape,
  transferShapes,
} from "./stand-in-model.ts";
import { pageOf, parseRange } from "./stand-in-range.ts";

export type { HerokuStandInModel, StandInAddon, StandInApp } from "./stand-in-model.ts";

/** A failure the stand-in answers instead of the real thing, `times` times (default 1). */
export interface StandInFailure {
  /** Matched against the request's path (no query). */
  path: RegExp;
  status: number;
  times?: number;
  /** A JSON body, or raw text sent as it is (to test answers that are not JSON). */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface StandInRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
}

export interface HerokuStandIn {
  url: string;
  /** The Postgres data API: the same server. */
  dataUrl: string;
  requests: StandInRequest[];
  failNext(failure: StandInFailure): void;
  close(): Promise<void>;
}

/** What the stand-in answers: a JSON body (or raw text), a status, and headers. */
interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const reply = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, body, headers });
const notFound = (message = "Couldn't find that app.") => reply(404, { id: "not_found", message });
const noEndpoint = () => notFound("The requested API endpoint was not found.");

export async function startHerokuStandIn(model: HerokuStandInModel, opts: { port?: number } = {}): Promise<HerokuStandIn> {
  const requests: StandInRequest[] = [];
  const failures: (StandInFailure & { left: number })[] = [];
  const blobs = new Map<string, string>();
  let remaining = 4500;
  let base = "";

  // Each blob gets an unguessable path, like S3's pre-signed URLs.
  const blobUrl = (file: string) => {
    const key = randomBytes(12).toString("hex");
    blobs.set(key, file);
    return `${base}/blobs/${key}?X-Amz-Expires=3600&X-Amz-Signature=${randomBytes(16).toString("hex")}`;
  };

  const answer = (req: IncomingMessage, path: string): Reply | "blob" => {
    const failure = failures.find((f) => f.left > 0 && f.path.test(path));
    if (failure) {
      failure.left -= 1;
      return reply(failure.status, failure.body ?? failureBody(failure.status), failure.headers);
    }
    if (path.startsWith("/blobs/")) return "blob";
    if (req.headers.authorization !== `Bearer ${model.token}`)
      return reply(401, { id: "unauthorized", message: "Invalid credentials provided." });
    // Real Heroku is lenient here; the stand-in holds the client to the documented header.
    if (!path.startsWith("/client/v11/") && !/application\/vnd\.heroku\+json;\s*version=3/.test(req.headers.accept ?? ""))
      return reply(400, {
        id: "bad_request",
        message:
          "Please specify a version along with Heroku's API MIME type. For example, `Accept: application/vnd.heroku+json; version=3`.",
      });
    return route(req.method ?? "GET", path, req.headers.range, { model, pageSize: model.pageSize ?? 200, blobUrl });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    requests.push({ method: req.method ?? "", path: `${url.pathname}${url.search}`, headers: flatHeaders(req) });
    remaining = Math.max(0, remaining - 1);
    res.setHeader("RateLimit-Remaining", String(remaining));
    const r = answer(req, url.pathname);
    if (r === "blob") serveBlob(blobs.get(url.pathname.slice("/blobs/".length)), res);
    else send(res, r);
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    dataUrl: base,
    requests,
    failNext: (failure) => failures.push({ ...failure, left: failure.times ?? 1 }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A string body goes as it is (no Content-Length, so it streams chunked); anything else as JSON. */
function send(res: ServerResponse, r: Reply): void {
  if (typeof r.body === "string") {
    res.writeHead(r.status, { "Content-Type": "text/html", ...r.headers });
    res.end(r.body);
    return;
  }
  const text = JSON.stringify(r.body);
  res.writeHead(r.status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text), ...r.headers });
  res.end(text);
}

interface Context {
  model: HerokuStandInModel;
  pageSize: number;
  blobUrl: (file: string) => string;
}

function route(method: string, path: string, range: string | undefined, c: Context): Reply {
  const list = (items: Record<string, unknown>[], defaultRange: string): Reply => {
    const r = parseRange(range ?? defaultRange);
    const page = r && pageOf(items, r, c.pageSize);
    if (!page) return reply(416, { id: "requested_range_not_satisfiable", message: `Invalid Range header: ${range}` });
    return reply(page.next ? 206 : 200, page.items, {
      "Content-Range": page.contentRange,
      ...(page.next ? { "Next-Range": page.next } : {}),
    });
  };
  if (method === "GET" && path === "/apps")
    return list(
      c.model.apps.map((a) => appShape(a, webUrl(a))),
      "id ..",
    );

  const m = /^\/(?:client\/v11\/)?apps\/([^/]+)(\/.*)?$/.exec(path);
  if (!m) return noEndpoint();
  const app = findApp(c.model, decodeURIComponent(m[1] ?? ""));
  if (!app) return notFound();
  const rest = m[2] ?? "";

  if (path.startsWith("/client/v11/")) return dataRoute(method, rest, app, c);
  if (method !== "GET") return noEndpoint();
  switch (rest) {
    case "":
      return reply(200, appShape(app, webUrl(app)));
    case "/buildpack-installations":
      return list(buildpackShapes(app), "ordinal ..");
    case "/formation":
      return list(formationShapes(app), "id ..");
    case "/config-vars":
      return reply(200, app.config);
    case "/addons":
      return list(addonShapes(app), "id ..");
    case "/addon-attachments":
      return list(attachmentShapes(app), "id ..");
    case "/domains":
      return list(domainShapes(app), "id ..");
    case "/releases":
      return list(releaseShapes(app), "version ..");
  }
  const slug = /^\/slugs\/([^/]+)$/.exec(rest);
  if (!slug) return noEndpoint();
  if (!app.slug || decodeURIComponent(slug[1] ?? "") !== app.slug.id) return notFound("Couldn't find that slug.");
  return reply(200, slugShape(app, c.blobUrl(app.slug.file), sizeOf(app.slug.file)));
}

/** Heroku Postgres's data API: the app's transfers, and pre-signed URLs for backups. */
function dataRoute(method: string, rest: string, app: StandInApp, c: Context): Reply {
  if (method === "GET" && rest === "/transfers") return reply(200, transferShapes(app));
  const action = /^\/transfers\/(\d+)\/actions\/public-url$/.exec(rest);
  const backup = action ? app.backups.find((b) => b.num === Number(action[1]) && b.succeeded) : undefined;
  if (method !== "POST" || !backup) return notFound("Couldn't find that backup.");
  return reply(200, { url: c.blobUrl(backup.file), expires_at: new Date(Date.now() + 3_600_000).toISOString() });
}

function findApp(model: HerokuStandInModel, nameOrId: string): StandInApp | undefined {
  return model.apps.find((a) => a.name === nameOrId || a.id === nameOrId);
}

function webUrl(app: StandInApp): string {
  return `https://${app.name}-0123456789ab.herokuapp.com/`;
}

function serveBlob(file: string | undefined, res: ServerResponse): void {
  const size = file === undefined ? null : sizeOf(file);
  if (file === undefined || size === null) {
    res.writeHead(404, { "Content-Type": "application/xml" });
    res.end("<Error><Code>NoSuchKey</Code></Error>");
    return;
  }
  res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": size });
  createReadStream(file)
    .on("error", () => res.destroy())
    .pipe(res);
}

function sizeOf(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

function failureBody(status: number): { id: string; message: string } {
  if (status === 429)
    return { id: "rate_limit", message: "Your account reached the API rate limit\nPlease wait a few minutes before making new requests" };
  if (status === 401) return { id: "unauthorized", message: "Invalid credentials provided." };
  if (status === 403) return { id: "forbidden", message: "You do not have access to the app." };
  if (status === 404) return { id: "not_found", message: "Couldn't find that app." };
  return { id: "internal_server_error", message: "Internal server error." };
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers))
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(", ") : value;
  return out;
}
