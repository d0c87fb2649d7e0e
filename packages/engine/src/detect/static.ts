// A static site: an index.html at the top or in public/, dist/ or build/, and no other stack.
// It is served as it is by Caddy's file server, which the platform already runs.
import { reason, type StackRule } from "./stack.ts";

const DIRS = [".", "public", "dist", "build"];

export const staticSite: StackRule = {
  stack: "static",
  markers: DIRS.map((dir) => (dir === "." ? "index.html" : `${dir}/index.html`)),
  async detect(_tree, marker) {
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
