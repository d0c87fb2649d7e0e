// Single-page apps (Vite) and Staticfile sites beyond the fixture apps: where the build output
// is, what is not a single-page app, and what a Staticfile may and may not ask for.
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import { InvalidSourceFileError } from "./index.ts";
import { detect, type SourceFile, said } from "./test-sources.ts";

/** A Vite app: package.json with vite and a build script, an index.html, and what `extra` adds. */
const viteApp = (fields: Record<string, unknown> = {}, extra: Record<string, SourceFile> = {}) => ({
  "package.json": JSON.stringify({
    name: "spa",
    scripts: { build: "vite build" },
    devDependencies: { vite: "^8.0.0" },
    ...fields,
  }),
  "package-lock.json": "{}",
  "index.html": "<div id=app></div>",
  ...extra,
});

describe("Vite single-page apps", () => {
  it.each([
    ["vue", "Vue"],
    ["svelte", "Svelte"],
    ["solid-js", "Solid"],
    ["preact", "Preact"],
    ["lit", "Lit"],
    ["@builder.io/qwik", "Qwik"],
  ])("a %s app is served from dist/ in SPA mode", async (library, name) => {
    const plan = await detect(viteApp({ dependencies: { [library]: "*" } }));
    expect(plan).toMatchObject({
      framework: "vite",
      build: "npm run build",
      processes: { web: "node .skypanel/static-server.mjs --spa dist" },
    });
    expect(said(plan, "start")).toContain(`a ${name} single-page app, served from dist/`);
  });

  it("takes build.outDir from vite.config when it is a plain string, under root", async () => {
    const plain = await detect(viteApp({}, { "vite.config.ts": "export default { build: { outDir: 'build' } }\n" }));
    expect(plain.processes.web).toBe("node .skypanel/static-server.mjs --spa build");
    expect(said(plain, "start")).toContain("served from build/ (build.outDir in vite.config.ts)");

    const rooted = await detect({
      ...viteApp(
        {},
        { "vite.config.mjs": "export default {\n  root: 'web',\n  build: { outDir: path.resolve(__dirname, 'public') },\n}\n" },
      ),
      "web/index.html": "<div id=app></div>",
    });
    expect(rooted.processes.web).toBe("node .skypanel/static-server.mjs --spa web/public");
  });

  it("prefers the build script's --outDir, and ignores a commented-out outDir", async () => {
    const flag = await detect(viteApp({ scripts: { build: "tsc -b && vite build --outDir www" } }));
    expect(flag.processes.web).toBe("node .skypanel/static-server.mjs --spa www");
    const commented = await detect(viteApp({}, { "vite.config.js": "export default {\n  // outDir: 'old',\n}\n" }));
    expect(commented.processes.web).toBe("node .skypanel/static-server.mjs --spa dist");
  });

  it("warns when build.outDir is computed, and serves dist/", async () => {
    const plan = await detect(viteApp({}, { "vite.config.ts": "export default { build: { outDir: process.env.OUT } }\n" }));
    expect(plan.processes.web).toBe("node .skypanel/static-server.mjs --spa dist");
    expect(plan.warnings).toContain(
      "vite.config.ts sets build.outDir with code SkyPanel does not run; serving dist/. Write it as a plain string if the build writes elsewhere.",
    );
  });

  it("refuses an outDir outside the app", async () => {
    const err = await detect(viteApp({}, { "vite.config.ts": "export default { build: { outDir: '../../etc' } }\n" })).catch((e) => e);
    expect(err).toBeInstanceOf(InvalidSourceFileError);
    expect(err.message).toBe(
      'vite.config.ts: build.outDir is "../../etc"; it must be a directory inside the app, named with letters, digits and . _ - / only.',
    );
  });

  it.each([
    ["a start script", viteApp({ scripts: { build: "vite build", start: "node server.js" } }), "npm start"],
    ["Express", viteApp({ dependencies: { express: "*" } }, { "server.js": "" }), "node server.js"],
  ])("with %s it is a server, not a single-page app", async (_what, files, web) => {
    const plan = await detect(files);
    expect(plan.framework).not.toBe("vite");
    expect(plan.processes.web).toBe(web);
  });

  it.each([
    [
      { devDependencies: { vite: "*", "@sveltejs/kit": "*" } },
      {},
      "vite found, but SvelteKit (@sveltejs/kit) runs a server: not a single-page app.",
    ],
    [
      {},
      { "vite.config.ts": "export default { build: { lib: { entry: 'src/index.ts' } } }" },
      "vite found, but vite.config.ts builds a library (build.lib): not an app to serve.",
    ],
  ])("says why a Vite project is not a single-page app (%j)", async (fields, extra, why) => {
    const err = await detect(viteApp(fields, extra)).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(/^Could not find how to start this app/);
    const plan = await detect({ ...viteApp(fields, extra), Procfile: "web: node server.js\n" });
    expect(said(plan, "framework")).toBe(why);
  });

  it("without index.html it is not a Vite app to serve", async () => {
    const files: Record<string, SourceFile> = viteApp();
    delete files["index.html"];
    const plan = await detect({ ...files, Procfile: "web: node server.js\n" });
    expect(said(plan, "framework")).toBe("vite found, but there is no index.html, the page a Vite app is built from.");
  });
});

describe("Staticfile sites", () => {
  it("serves the top directory by default, without SPA fallback", async () => {
    const plan = await detect({ Staticfile: "", "index.html": "<p>hi</p>" });
    expect(plan).toMatchObject({ stack: "static", processes: { web: "node .skypanel/static-server.mjs ." } });
    expect(said(plan, "start")).toContain("the Staticfile says to serve the top directory (no root: line)");
  });

  it("wins over an index.html elsewhere, and yields to package.json", async () => {
    const site = await detect({ Staticfile: "root: 'www' # the built site\n", "www/index.html": "", "public/index.html": "" });
    expect(site.processes.web).toBe("node .skypanel/static-server.mjs www");
    const node = await detect({ Staticfile: "root: www\n", "www/index.html": "", ...viteApp() });
    expect(node.stack).toBe("nodejs");
  });

  it("names the options it does not honour", async () => {
    const plan = await detect({
      Staticfile: "root: public\nforce_https: true\ngzip: off\nhost_dot_files: true\n",
      "public/index.html": "",
    });
    expect(plan.warnings).toEqual([
      "Staticfile options ignored (they configure Cloud Foundry's nginx): force_https, gzip, host_dot_files.",
      "host_dot_files is not honoured: dotfiles are never served, except /.well-known/.",
    ]);
  });

  it.each([
    ["root: ../outside\n", {}, 'Staticfile: root is "../outside"; it must be a directory inside the app'],
    ["root: missing\n", {}, "Staticfile: root is missing, which is not a directory in the source."],
    ["root = public\n", {}, 'Staticfile: line 1 is "root = public"; expected "key: value"'],
    ["root: public\n", { "Staticfile.auth": "user:$apr1$hash" }, "Staticfile.auth asks for HTTP basic auth"],
  ])("refuses %j", async (staticfile, extra, message) => {
    const err = await detect({ Staticfile: staticfile, "public/index.html": "", ...extra }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toContain(message);
  });
});
