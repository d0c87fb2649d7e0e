// Python web frameworks recognised from the dependencies, and how each one's docs say to serve
// it. An app object framework (`app = Starlette(…)`) is served as `module:app` by its server;
// aiohttp and Tornado apps start from their own script (web.run_app, app.listen), so they only
// tell that the script is a web process.
import type { Framework } from "./plan.ts";

export type AppServer = "uvicorn" | "gunicorn" | "hypercorn" | "sanic";

export interface AppFramework {
  /** The dependency name (normalised) that selects it. */
  dependency: string;
  /** The plan's framework, for those the dashboard names. */
  framework: Framework | null;
  name: string;
  /** The class whose instance the server imports: `<variable> = <className>(…)`. */
  className: string;
  server: AppServer;
}

/** In this order: FastAPI before Starlette (FastAPI depends on it), as Flask's apps come before Quart's. */
export const APP_FRAMEWORKS: readonly AppFramework[] = [
  { dependency: "fastapi", framework: "fastapi", name: "FastAPI", className: "FastAPI", server: "uvicorn" },
  { dependency: "flask", framework: "flask", name: "Flask", className: "Flask", server: "gunicorn" },
  { dependency: "starlette", framework: null, name: "Starlette", className: "Starlette", server: "uvicorn" },
  { dependency: "litestar", framework: null, name: "Litestar", className: "Litestar", server: "uvicorn" },
  { dependency: "quart", framework: null, name: "Quart", className: "Quart", server: "hypercorn" },
  { dependency: "sanic", framework: null, name: "Sanic", className: "Sanic", server: "sanic" },
  { dependency: "falcon", framework: null, name: "Falcon", className: "App", server: "gunicorn" },
  { dependency: "bottle", framework: null, name: "Bottle", className: "Bottle", server: "gunicorn" },
];

/** Frameworks whose apps start from their own script. */
export const SCRIPT_FRAMEWORKS: Record<string, string> = { aiohttp: "aiohttp", tornado: "Tornado" };

/**
 * Dependencies that make a script a web process: the frameworks above, Django, and servers
 * or frameworks a script may start itself (uvicorn.run, waitress.serve, …).
 */
export const WEB_DEPENDENCIES = new Set([
  ...APP_FRAMEWORKS.map((f) => f.dependency),
  ...Object.keys(SCRIPT_FRAMEWORKS),
  "django",
  "uvicorn",
  "gunicorn",
  "hypercorn",
  "waitress",
  "cherrypy",
  "pyramid",
  "werkzeug",
]);

/** The start command serving `target` ("module:app", already shell-quoted) on $PORT. */
export function serveCommand(server: AppServer, target: string): string {
  switch (server) {
    case "uvicorn":
      return `uvicorn ${target} --host 0.0.0.0 --port $PORT`;
    case "gunicorn":
      return `gunicorn ${target} --bind 0.0.0.0:$PORT`;
    case "hypercorn":
      return `hypercorn ${target} --bind 0.0.0.0:$PORT`;
    case "sanic":
      return `sanic ${target} --host 0.0.0.0 --port $PORT`;
  }
}
