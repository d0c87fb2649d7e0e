// Decides whether a symlink stays inside a tree, the way the kernel would walk it: from the
// link's own directory, following every other link of the tree on the way (chains and links
// used as directories), with no help from the disk. Lexical checks alone miss `s -> .` plus
// `d/l -> ../s/..`, which the kernel resolves to the tree's parent.

const MAX_HOPS = 40; // Linux's MAXSYMLINKS

export type LinkVerdict = { inside: true } | { inside: false; reason: string };

/**
 * @param links every symlink of the tree: path relative to the root ("a/b") → target as stored.
 */
export function resolveLink(linkPath: string, links: ReadonlyMap<string, string>): LinkVerdict {
  const target = links.get(linkPath);
  if (target === undefined) throw new Error(`${linkPath} is not a symlink of the tree`);
  const dir = linkPath.split("/").slice(0, -1);
  const stack: string[] = dir;
  let pending: string[] = [];
  let hops = 0;

  const start = (t: string): { inside: false; reason: string } | null => {
    if (t.startsWith("/")) return { inside: false, reason: `it points to the absolute path ${JSON.stringify(t)}` };
    pending = [...t.split("/"), ...pending];
    return null;
  };
  const first = start(target);
  if (first) return first;

  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (stack.length === 0) return { inside: false, reason: "its target, resolved from where the link sits, leaves the tree" };
      stack.pop();
      continue;
    }
    const here = [...stack, part].join("/");
    const next = links.get(here);
    if (next === undefined) {
      stack.push(part);
      continue;
    }
    hops += 1;
    if (hops > MAX_HOPS) return { inside: false, reason: "it is part of a symlink loop" };
    const verdict = start(next);
    if (verdict) return { inside: false, reason: `it leads through ${JSON.stringify(here)}, and ${verdict.reason}` };
  }
  return { inside: true };
}
