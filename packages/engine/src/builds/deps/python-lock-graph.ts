// Which packages of a lockfile the app's main dependencies need, and under which environment
// markers, for lockfiles that record the dependency graph but not the answer (uv.lock, and
// poetry.lock before lock-version 2.1). pip evaluates the markers when it downloads.

/** A dependency as the lockfile states it: the package, the extras it asks for, and when. */
export interface LockEdge {
  name: string;
  /** When the lockfile holds several versions of the package, the one meant. */
  version?: string;
  extras: string[];
  marker: string | null;
}

export interface LockNode<P> {
  /** Identifies the package (name and version). */
  id: string;
  pkg: P;
  /** The package's dependencies: its own (extra null), or those one of its extras adds. */
  edges(extra: string | null): LockEdge[];
}

// Past this many different paths to a package, it is taken as needed everywhere: pip then
// downloads it even where a marker would have left it out, which costs only a download.
const MAX_MARKERS_PER_PACKAGE = 16;

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

function both(a: string | null, b: string | null): string | null {
  if (a === null || a === b) return b;
  if (b === null) return a;
  return `(${a}) and (${b})`;
}

/**
 * Every package reachable from `roots`, with the marker under which it is needed (null:
 * always). `resolve` finds the package an edge names and throws when the lockfile lacks it.
 */
export function neededPackages<P>(roots: LockEdge[], resolve: (edge: LockEdge) => LockNode<P>): Map<P, string | null> {
  const seen = new Map<string, Set<string | null>>();
  const markers = new Map<P, Set<string | null>>();
  const queue = roots.map((edge) => ({ edge, under: null as string | null }));
  for (let item = queue.shift(); item; item = queue.shift()) {
    const node = resolve(item.edge);
    for (const extra of [null, ...item.edge.extras]) {
      const key = `${node.id}\0${extra ?? ""}`;
      const paths = seen.get(key) ?? new Set<string | null>();
      seen.set(key, paths);
      let marker = both(item.under, item.edge.marker);
      if (paths.has(null) || paths.has(marker)) continue;
      if (paths.size >= MAX_MARKERS_PER_PACKAGE) marker = null;
      paths.add(marker);
      if (extra === null) {
        const own = markers.get(node.pkg) ?? new Set<string | null>();
        markers.set(node.pkg, own);
        own.add(marker);
      }
      for (const edge of node.edges(extra)) queue.push({ edge, under: marker });
    }
  }
  const needed = new Map<P, string | null>();
  for (const [pkg, set] of markers) {
    const list = [...set];
    needed.set(pkg, list.includes(null) ? null : list.length === 1 ? (list[0] as string) : list.map((m) => `(${m})`).join(" or "));
  }
  return needed;
}

/**
 * A PEP 508 requirement's name, extras and marker ("uvicorn[standard]>=0.30; python_version<'4'"),
 * or null when it does not start with a name.
 */
export function parseRequirement(text: string): LockEdge | null {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?[^;]*(?:;(.*))?$/.exec(text);
  if (!m) return null;
  const extras = (m[2] ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  const marker = m[3]?.trim() || null;
  return { name: m[1] as string, extras, marker };
}
