// @ts-check
// `skypanel --version`, on its own so the binary can answer it without loading anything else.
import { readFileSync } from "node:fs";

export function version() {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  return `skypanel/${pkg.version} ${process.platform}-${process.arch} node-${process.version}`;
}
