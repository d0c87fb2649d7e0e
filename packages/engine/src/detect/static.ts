// A static site: a Staticfile (Cloud Foundry's convention, see staticfile.ts), or an index.html
// at the top or in public/, dist/ or build/, and no other stack. It is served as it is.
import { staticSitePlan } from "./site-dir.ts";
import type { StackRule } from "./stack.ts";
import { staticfileSite } from "./staticfile.ts";

const DIRS = [".", "public", "dist", "build"];

export const staticSite: StackRule = {
  stack: "static",
  markers: ["Staticfile", ...DIRS.map((dir) => (dir === "." ? "index.html" : `${dir}/index.html`))],
  async detect(tree, marker) {
    if (marker === "Staticfile") return staticfileSite(tree);
    const root = marker === "index.html" ? "." : marker.slice(0, marker.indexOf("/"));
    const web = `caddy file-server --root ${root} --listen :$PORT`;
    return staticSitePlan(web, `${web}: serves ${root === "." ? "the top directory" : `${root}/`}, where ${marker} is, as it is.`);
  },
};
