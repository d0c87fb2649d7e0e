// `git push http://host:port/git/<app>.git main`: git's smart HTTP protocol, served by
// `git http-backend` through the engine. HTTP Basic auth with an API token (or session token)
// as the password. What a push does (main or master builds and deploys) is the engine's rule:
// engine.pushes.received.
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { type Engine, ensureAppRepo, serveGitHttp } from "@skypanel/engine";
import type { Context as HonoContext } from "hono";
import { Hono } from "hono";
import type { BffConfig } from "./config.ts";
import { gitScopeRefusal, mfaEnrolmentRefusal } from "./scopes.ts";

function challenge(c: HonoContext, message: string) {
  c.header("WWW-Authenticate", 'Basic realm="SkyPanel", charset="UTF-8"');
  return c.text(`${message}\n`, 401);
}

function basicPassword(header: string | undefined): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header?.trim() ?? "");
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const i = decoded.indexOf(":");
  return i >= 0 ? decoded.slice(i + 1) : null;
}

export function gitRoutes(engine: Engine, config: BffConfig, clientIp: (c: HonoContext) => string | null) {
  const git = new Hono();
  const reposRoot = `${config.home}/git`;

  git.all("/:repo/*", async (c) => {
    const repo = c.req.param("repo") ?? "";
    if (!repo.endsWith(".git")) return c.text("Not a repository: use /git/<app>.git\n", 404);
    const appName = repo.slice(0, -4);
    const pathInfo = c.req.path.slice(`/git/${repo}`.length);
    const query = new URL(c.req.url).search.slice(1);
    const pushing = pathInfo === "/git-receive-pack" || query.includes("service=git-receive-pack");

    const token = basicPassword(c.req.header("authorization"));
    if (!token) return challenge(c, "Authenticate with any user name and an API token as the password.");
    const auth = await engine.auth.authenticate(token);
    if (!auth) return challenge(c, "That token is not valid (expired or revoked?).");
    const refusal =
      gitScopeRefusal(auth.scope, pushing) ??
      (auth.mfaEnrolmentRequiredBy ? mfaEnrolmentRefusal(auth.mfaEnrolmentRequiredBy, "git") : null);
    if (refusal) return c.text(`${refusal}\n`, 403);
    const actor = { userId: auth.user.id, isAdmin: auth.user.isAdmin, ip: clientIp(c) };
    // The app must exist and be the user's before a repository is created for it.
    try {
      await engine.apps.resolve(actor, appName, pushing ? "write" : "read", pushing ? "pushing code" : "fetching code");
    } catch (err) {
      const code = (err as { code?: string }).code;
      return c.text(`${(err as Error).message}\n`, code === "FORBIDDEN" ? 403 : 404);
    }
    await ensureAppRepo(reposRoot, appName);

    const body = c.req.raw.body ? Readable.fromWeb(c.req.raw.body as unknown as WebReadableStream<Uint8Array>) : Readable.from([]);
    const length = Number(c.req.header("content-length"));
    const response = await serveGitHttp({
      reposRoot,
      appName,
      method: c.req.method,
      pathInfo,
      query,
      contentType: c.req.header("content-type"),
      contentEncoding: c.req.header("content-encoding"),
      contentLength: Number.isFinite(length) ? length : undefined,
      gitProtocol: c.req.header("git-protocol"),
      body,
      remoteUser: auth.user.email,
      remoteAddr: clientIp(c) ?? undefined,
    });
    if (pathInfo === "/git-receive-pack") {
      // The engine records a push it could not build on a failed build; the console keeps what it could not record.
      response
        .pushed()
        .then((updates) => engine.pushes.received(actor, appName, updates))
        .then((outcomes) => {
          for (const o of outcomes) if (o.outcome === "failed" && !o.build) console.error(`[git] ${appName}: ${o.message}`);
        })
        .catch((err) => console.error(`[git] push to ${appName} could not start a build:`, err));
    }
    return new Response(Readable.toWeb(response.body) as unknown as ReadableStream, { status: response.status, headers: response.headers });
  });

  return git;
}
