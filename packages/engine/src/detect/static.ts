// A static site: a Staticfile (Cloud Foundry's convention, see staticfile.ts), or an index.html
// at the top or in public/, dist/ or build/, and no other stack. It is served as it is.
import { reason, type StackRule } from "./stack.ts";
import { staticfileSite } from "./staticfile.ts";

const DIRS = [".", "public", "dist", "build"];

export const staticSite: StackRule = {
  stack: "static",
  markers: ["Staticfile", ...DIRS.map((dir) => (dir === "." ? "index.html" : `${dir}/index.html`))],
  async detect(tree, marker) {
    if (marker === "Staticfile") return staticfileSite(tree);
    const root = marker === "index.html" ? "." : marker.slice(0, marker.indexOf("/"));
    const web = `caddy file-server --root ${root} --listen :$PORT`;
    return {
      stack: "static",
      framework: null,
      versions: {},
      packageManager: "none",
      lockfiles: [],
      install: null,
      build: null,
      test: null,
      web,
      reasons: [
        reason("version", "A static site needs no toolchain."),
        reason("start", `${web}: serves ${root === "." ? "the top directory" : `${root}/`}, where ${marker} is, as it is.`),
      ],
      warnings: [],
    };
  },
};
