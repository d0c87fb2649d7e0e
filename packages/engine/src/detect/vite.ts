// Single-page apps built with Vite (React, Vue, Svelte, Solid, Preact, Lit, Qwik): vite and a
// build script, no start script and no server. The build writes static files (build.outDir,
// dist/ by default) that SkyPanel's static server serves, answering client-side routes with
// index.html. vite.config is code and is never run: build.outDir and root are read only when
// written as plain strings.
import path from "node:path";
import type { SourceTree } from "./files.ts";
import type { PackageJson } from "./package-json.ts";
import { checkSiteDir } from "./site-dir.ts";

const CONFIG_FILES = ["vite.config.ts", "vite.config.mts", "vite.config.js", "vite.config.mjs", "vite.config.cts", "vite.config.cjs"];

/** Frameworks built on Vite (or beside it) that run a server of their own: not a static build. */
const SERVER_PACKAGES: Record<string, string> = {
  "@sveltejs/kit": "SvelteKit",
  nuxt: "Nuxt",
  "@remix-run/dev": "Remix",
  "@react-router/dev": "React Router's framework mode",
  astro: "Astro",
  "@solidjs/start": "SolidStart",
  "@builder.io/qwik-city": "Qwik City",
  vike: "Vike",
  "@analogjs/platform": "Analog",
  "@tanstack/react-start": "TanStack Start",
  fastify: "Fastify",
  koa: "Koa",
  hono: "Hono",
  "@hapi/hapi": "hapi",
};

/** UI libraries, Preact before React (Preact apps often alias react). */
const LIBRARIES: [string, string][] = [
  ["preact", "Preact"],
  ["react", "React"],
  ["vue", "Vue"],
  ["svelte", "Svelte"],
  ["solid-js", "Solid"],
  ["lit", "Lit"],
  ["@builder.io/qwik", "Qwik"],
];

export interface ViteApp {
  /** The build output the static server serves, relative to the app. */
  outDir: string;
  /** Where outDir came from, for the plan's reason. */
  outDirFrom: string;
  /** "React", "Vue"…, or null when none of the known UI libraries is a dependency. */
  library: string | null;
  warnings: string[];
}

/** What detection found: a Vite SPA, a Vite app that is not one (and why), or no Vite at all. */
export type ViteVerdict = { spa: ViteApp } | { notSpa: string } | null;

export async function viteSinglePageApp(tree: SourceTree, pkg: PackageJson): Promise<ViteVerdict> {
  const deps = { ...pkg.devDependencies, ...pkg.dependencies };
  if (!Object.hasOwn(deps, "vite") || pkg.scripts.build === undefined || pkg.scripts.start !== undefined) return null;
  const server = Object.keys(SERVER_PACKAGES).find((p) => Object.hasOwn(deps, p));
  if (server !== undefined)
    return { notSpa: `vite found, but ${SERVER_PACKAGES[server]} (${server}) runs a server: not a single-page app` };

  const warnings: string[] = [];
  const configFile = await firstFile(tree, CONFIG_FILES);
  const config = configFile === null ? "" : withoutComments((await tree.readText(configFile)) ?? "");
  if (/\blib\s*:\s*\{/.test(config)) return { notSpa: `vite found, but ${configFile} builds a library (build.lib): not an app to serve` };

  const root = stringOption(config, "root");
  if (root === undefined && configFile !== null && /\broot\s*:/.test(config))
    warnings.push(`${configFile} sets root with code SkyPanel does not run; assuming the project root is the top directory.`);
  const projectRoot = root === undefined ? "." : checkSiteDir(configFile as string, "root", root);
  if (!(await tree.isFile(path.posix.join(projectRoot, "index.html"))))
    return { notSpa: `vite found, but there is no ${path.posix.join(projectRoot, "index.html")}, the page a Vite app is built from` };

  let outDir = "dist";
  let outDirFrom = "Vite's default build.outDir";
  const flag = /(?:^|\s)--outDir(?:=|\s+)(['"]?)([^\s'"]+)\1/.exec(pkg.scripts.build)?.[2];
  const configured = stringOption(config, "outDir");
  if (flag !== undefined) {
    outDir = checkSiteDir("package.json", "the build script's --outDir", flag);
    outDirFrom = "the build script's --outDir";
  } else if (configured !== undefined) {
    outDir = checkSiteDir(configFile as string, "build.outDir", path.posix.join(projectRoot, configured));
    outDirFrom = `build.outDir in ${configFile}`;
  } else {
    if (configFile !== null && /\boutDir\s*:/.test(config))
      warnings.push(
        `${configFile} sets build.outDir with code SkyPanel does not run; serving ${path.posix.join(projectRoot, "dist")}/. Write it as a plain string if the build writes elsewhere.`,
      );
    outDir = path.posix.join(projectRoot, "dist");
    if (projectRoot !== ".") outDirFrom = `Vite's default build.outDir under root ${projectRoot}`;
  }
  const library = LIBRARIES.find(([p]) => Object.hasOwn(deps, p))?.[1] ?? null;
  return { spa: { outDir, outDirFrom, library, warnings } };
}

async function firstFile(tree: SourceTree, files: string[]): Promise<string | null> {
  for (const file of files) if (await tree.isFile(file)) return file;
  return null;
}

/** Block comments and whole-line // comments go, so a commented-out option is not read. */
function withoutComments(code: string): string {
  // A loop, not a lazy regex: thousands of unclosed "/*" would make the regex quadratic.
  let out = "";
  for (let i = 0; i < code.length; ) {
    const open = code.indexOf("/*", i);
    if (open === -1) {
      out += code.slice(i);
      break;
    }
    out += code.slice(i, open);
    const close = code.indexOf("*/", open + 2);
    if (close === -1) break;
    i = close + 2;
  }
  return out.replace(/^[ \t]*\/\/.*$/gm, "");
}

/**
 * `name: "value"` in the config, or `name: resolve(__dirname, "value")` / `join(…)`; undefined
 * when the option is absent or computed some other way.
 */
function stringOption(config: string, name: string): string | undefined {
  const quoted = `(['"\`])([^'"\`$\\n]*)`;
  const literal = new RegExp(`\\b${name}\\s*:\\s*${quoted}\\1`).exec(config);
  if (literal) return literal[2];
  const joined = new RegExp(`\\b${name}\\s*:\\s*(?:path\\.)?(?:resolve|join)\\(\\s*__dirname\\s*,\\s*${quoted}\\1\\s*\\)`).exec(config);
  return joined?.[2];
}
