// Reads a `node --cpu-prof` profile (.cpuprofile JSON) and says where the CPU went: self time
// per area of the code (the platform's own packages, each dependency, Node's internals, PGlite's
// WebAssembly), per function, and charged to the nearest platform function on the stack (so time
// in drizzle or a native write is laid at the query or handler that caused it), so a bottleneck
// can be named without a profiler UI.
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Share {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  /** Wall time the summary covers, and the part of it the main thread was busy. */
  wallMs: number;
  busyMs: number;
  /** False when no sample fell in the window asked for and the whole profile was read. */
  windowed: boolean;
  areas: Share[];
  functions: Share[];
  /** Self time charged to the nearest frame of apps/ or packages/ on each sample's stack. */
  platformCallers: Share[];
  /** The share of busy time with no such frame (promise continuations carry no caller's frames). */
  unattributedShare: number;
}

/** Where a frame's code lives, in words a reader of this repository knows. */
export function areaOf(url: string, functionName: string): string {
  if (functionName === "(garbage collector)") return "garbage collection";
  if (functionName === "(program)") return "V8/native (program)";
  if (url.startsWith("wasm://") || /^wasm-function/.test(functionName)) return "PGlite (WebAssembly)";
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return nm[1] === "@electric-sql/pglite" ? "PGlite (JS glue)" : `dependency: ${nm[1]}`;
  const own = url.match(/\/(apps\/[^/]+|packages\/[^/]+)\/src\/(?:([^/]+)\/)?/);
  if (own) return `${own[1]}${own[2] ? `/${own[2]}` : ""}`;
  if (url.startsWith("node:")) return "Node internals";
  if (!url) return "native/builtin";
  return url;
}

const isPlatform = (url: string) => /\/(apps|packages)\/[^/]+\/src\//.test(url) && !url.includes("node_modules");
const label = (f: ProfileNode["callFrame"]) =>
  `${f.functionName || "(anonymous)"}${f.url ? ` ${f.url.replace(/^.*\/(node_modules|apps|packages)\//, "$1/")}:${f.lineNumber + 1}` : ""}`;

/**
 * `window`: only the samples taken between these two CLOCK_MONOTONIC times in microseconds (what
 * `process.hrtime` reads in any process on this machine, and what V8 stamps its samples with), so
 * the platform's start-up does not count; the whole profile when no sample falls inside.
 */
export function summariseProfile(file: string, window?: { fromUs: number; toUs: number }, top = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfIn = (keep: (t: number) => boolean) => {
    const self = new Map<number, number>();
    let t = profile.startTime;
    profile.samples.forEach((id, i) => {
      const dt = profile.timeDeltas[i] ?? 0;
      t += dt;
      if (keep(t)) self.set(id, (self.get(id) ?? 0) + dt);
    });
    return self;
  };
  let selfUs = window ? selfIn((t) => t >= window.fromUs && t <= window.toUs) : new Map<number, number>();
  const windowed = selfUs.size > 0;
  if (!windowed) selfUs = selfIn(() => true);

  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  const callers = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, us: number) => m.set(k, (m.get(k) ?? 0) + us);
  let busy = 0;
  let unattributed = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === "(idle)" || frame.functionName === "(root)") continue;
    busy += us;
    add(areas, areaOf(frame.url, frame.functionName), us);
    add(functions, label(frame), us);
    let at: number | undefined = id;
    while (at !== undefined && !isPlatform(byId.get(at)?.callFrame.url ?? "")) at = parent.get(at);
    const own = at === undefined ? undefined : byId.get(at)?.callFrame;
    if (own) add(callers, label(own), us);
    else unattributed += us;
  }
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: Math.round((us / busy) * 1000) / 10 }));
  return {
    windowed,
    wallMs: Math.round((windowed && window ? window.toUs - window.fromUs : profile.endTime - profile.startTime) / 1000),
    busyMs: Math.round(busy / 1000),
    areas: list(areas),
    functions: list(functions),
    platformCallers: list(callers),
    unattributedShare: Math.round((unattributed / busy) * 1000) / 10,
  };
}
