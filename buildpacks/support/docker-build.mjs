// Runs a parsed Dockerfile without a Docker engine, inside the sandboxed build (docker.nix).
//
// Each stage's filesystem is a directory standing in for the image's root; the toolchains are
// the platform's (node, python3, go), not the image's. WORKDIR, COPY/ADD (from the source, which
// .dockerignore filters, or from an earlier stage), ARG and ENV act on that directory; RUN lines
// run in `sh -c` with the WORKDIR as their directory, no network, and docker-run.sh sourced
// first (it maps dependency installs to the layer the engine fetched). In RUN lines, absolute
// paths under a WORKDIR or COPY destination of the stage (in the line and in ENV values) are
// rewritten to the stage's directory; other absolute paths name the build machine's (read-only)
// filesystem.
//
// The app is the final stage's WORKDIR, copied to $out/app; its ENV becomes .skypanel/env (values
// naming the WORKDIR, or paths in it, name $out/app instead).
// Environment: src (the build context), instructionsPath, out, support, TMPDIR, PATH,
// SKYPANEL_NODE_DEPS and SKYPANEL_NODE_PM (the fetched Node layer, if any).
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, join, posix } from "node:path";

const { src: context, out, support, tools, TMPDIR: tmp, PATH: basePath, instructionsPath } = process.env;
const instructions = JSON.parse(readFileSync(instructionsPath, "utf8"));
const prelude = join(support, "docker-run.sh");
const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz)$/i;

function fail(message) {
  console.log(`@@skypanel error ${message}`);
  process.exit(1);
}

// ${NAME}, ${NAME:-word}, ${NAME:+word} and $NAME, as Docker expands them outside RUN.
function expand(text, vars) {
  return text.replace(/\\\$|\$\{([A-Za-z_]\w*)(?::([-+])([^}]*))?\}|\$([A-Za-z_]\w*)/g, (whole, braced, op, word, bare) => {
    if (whole === "\\$") return "$";
    const value = vars[braced ?? bare];
    if (op === "-") return value ? value : word;
    if (op === "+") return value ? word : "";
    return value ?? "";
  });
}

// Go's filepath.Match with "**", as .dockerignore and COPY sources use it, as a RegExp.
function globRegExp(pattern) {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*" && pattern[i + 1] === "*") {
      i++;
      if (pattern[i + 1] === "/") {
        i++;
        re += "(?:.*/)?";
      } else re += ".*";
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end === -1) re += "\\[";
      else {
        re += `[${pattern
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else if (c === "\\" && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else re += c.replace(/[.+^${}()|\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

const ignore = (() => {
  const file = join(context, ".dockerignore");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      const cleaned = posix.normalize((negate ? l.slice(1) : l).trim()).replace(/^\/+|\/+$/g, "");
      return { negate, re: globRegExp(cleaned) };
    });
})();

/** True when .dockerignore leaves `rel` (a path in the context) out of COPY and ADD. */
function ignored(rel) {
  if (ignore.length === 0) return false;
  const parts = rel.split("/");
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
  let out = false;
  for (const p of ignore) if (candidates.some((c) => p.re.test(c))) out = !p.negate;
  return out;
}

/** Copies a file, directory or symlink; copies are writable by the build (store files are not). */
function copyInto(from, to, rel, filter) {
  if (filter && rel !== "" && ignored(rel)) return;
  const st = lstatSync(from);
  if (st.isSymbolicLink()) {
    rmSync(to, { force: true, recursive: true });
    symlinkSync(readlinkSync(from), to);
  } else if (st.isDirectory()) {
    if (existsSync(to) && !lstatSync(to).isDirectory()) rmSync(to, { force: true });
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from)) copyInto(join(from, name), join(to, name), rel === "" ? name : `${rel}/${name}`, filter);
  } else {
    if (existsSync(to) && lstatSync(to).isDirectory()) fail(`cannot copy a file over the directory ${to}`);
    rmSync(to, { force: true });
    copyFileSync(from, to);
    chmodSync(to, (st.mode & 0o777) | 0o200);
  }
}

/** The paths a COPY source names under `base` (globs expanded), relative to it. */
function sourcesUnder(base, pattern) {
  const clean = posix.normalize(`/${pattern}`).slice(1);
  if (clean === "" || clean === ".") return [""];
  if (!/[*?[]/.test(clean)) return existsSync(join(base, clean)) || isLink(join(base, clean)) ? [clean] : [];
  let found = [""];
  for (const segment of clean.split("/")) {
    const re = globRegExp(segment);
    found = found.flatMap((dir) => {
      const full = join(base, dir);
      if (!/[*?[]/.test(segment)) return existsSync(join(full, segment)) ? [dir === "" ? segment : `${dir}/${segment}`] : [];
      if (!existsSync(full) || !statSync(full).isDirectory()) return [];
      return readdirSync(full)
        .filter((n) => re.test(n))
        .map((n) => (dir === "" ? n : `${dir}/${n}`));
    });
  }
  return found;
}

function isLink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

class Stage {
  constructor(index, name, parent) {
    this.index = index;
    this.name = name;
    this.root = join(tmp, `stage-${index}`);
    this.workdir = parent?.workdir ?? "/";
    this.env = { ...(parent?.env ?? {}) };
    this.args = {};
    this.dirs = new Set(parent?.dirs ?? []);
    this.instructions = [];
    mkdirSync(this.root, { recursive: true });
    if (parent) copyInto(parent.root, this.root, "", false);
  }
  /** An image path, resolved against the WORKDIR, inside this stage's root. */
  path(imagePath) {
    const abs = imagePath.startsWith("/") ? imagePath : posix.join(this.workdir, imagePath);
    return join(this.root, posix.normalize(abs));
  }
  vars() {
    return { ...this.args, ...this.env };
  }
  /** RUN's view: absolute paths under the stage's known directories point into its root. */
  mapPaths(text) {
    let mapped = text;
    for (const dir of [...this.dirs].sort((a, b) => b.length - a.length)) {
      const escaped = dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      mapped = mapped.replace(
        new RegExp(`(^|[\\s'"=:;&|(])${escaped}(?=/|$|[\\s'";&|)])`, "g"),
        (_, before) => `${before}${this.root}${dir}`,
      );
    }
    return mapped;
  }
}

// Stages, and which of them the final one needs (its FROM chain and COPY --from, transitively).
const globals = {};
const plans = [];
for (const i of instructions) {
  if (i.op === "FROM") plans.push({ from: expand(i.image, globals), name: i.stage, instructions: [] });
  else if (plans.length === 0 && i.op === "ARG") globals[i.name] = i.default === null ? "" : expand(i.default, globals);
  else plans.at(-1).instructions.push(i);
}
const stageIndex = (ref) => {
  const byName = plans.findIndex((p) => p.name !== null && p.name.toLowerCase() === String(ref).toLowerCase());
  return byName !== -1 ? byName : /^\d+$/.test(String(ref)) ? Number(ref) : -1;
};
/** The earlier stage stage n is built FROM, or -1 for an image. */
const parentOf = (n) => plans.findIndex((p, k) => k < n && p.name !== null && p.name.toLowerCase() === plans[n].from.toLowerCase());
/** node, python or golang: the image a stage comes from, through its parents. */
const toolchainOf = (n) =>
  parentOf(n) === -1
    ? (/^(?:docker\.io\/)?(?:library\/)?(node|python|golang)\b/.exec(plans[n].from)?.[1] ?? null)
    : toolchainOf(parentOf(n));
const needed = new Set();
const need = (n) => {
  if (n < 0 || needed.has(n)) return;
  needed.add(n);
  need(parentOf(n));
  for (const i of plans[n].instructions) if ((i.op === "COPY" || i.op === "ADD") && i.from !== null) need(stageIndex(i.from));
};
need(plans.length - 1);

const stages = [];
for (const [n, plan] of plans.entries()) {
  if (!needed.has(n)) {
    console.log(`-----> stage ${plan.name ?? n} (FROM ${plan.from}): not needed by the final stage, skipped`);
    stages.push(null);
    continue;
  }
  const parentIndex = parentOf(n);
  const stage = new Stage(n, plan.name, parentIndex === -1 ? null : stages[parentIndex]);
  stages.push(stage);
  console.log(`-----> stage ${plan.name ?? n}: FROM ${plan.from}${parentIndex === -1 ? " (the platform's toolchain)" : ""}`);
  for (const i of plan.instructions) run(stage, i);
}

function run(stage, i) {
  const vars = stage.vars();
  switch (i.op) {
    case "ARG":
      stage.args[i.name] = i.default === null ? (globals[i.name] ?? "") : expand(i.default, vars);
      return;
    case "ENV":
      for (const [k, v] of Object.entries(i.vars)) stage.env[k] = expand(v, { ...stage.vars(), PATH: stage.env.PATH ?? basePath });
      return;
    case "WORKDIR": {
      const path = expand(i.path, vars);
      stage.workdir = posix.normalize(path.startsWith("/") ? path : posix.join(stage.workdir, path));
      if (stage.workdir !== "/") stage.dirs.add(stage.workdir.replace(/\/$/, ""));
      mkdirSync(stage.path("."), { recursive: true });
      console.log(`-----> WORKDIR ${stage.workdir}`);
      return;
    }
    case "COPY":
    case "ADD":
      return copy(stage, i, vars);
    case "RUN":
      return runLine(stage, i.command);
    default:
      // EXPOSE, CMD and ENTRYPOINT are in the plan: the port and the web command.
      return;
  }
}

function copy(stage, i, vars) {
  const dest = expand(i.dest, vars);
  const fromStage = i.from === null ? null : stages[stageIndex(i.from)];
  if (i.from !== null && !fromStage) fail(`${i.op} --from=${i.from}: no such stage was built`);
  const base = fromStage ? fromStage.root : context;
  const matches = [];
  for (const raw of i.sources) {
    const source = expand(raw, vars);
    if (i.op === "ADD" && /^[a-z][a-z0-9+.-]*:\/\//i.test(source))
      fail(`ADD ${source}: builds have no network; put the file in the source and COPY it`);
    const found = sourcesUnder(base, source).filter((rel) => fromStage || rel === "" || !ignored(rel));
    if (found.length === 0)
      fail(`${i.op} ${source}: ${fromStage ? `not in stage ${i.from}` : "no such file in the source (or .dockerignore leaves it out)"}`);
    matches.push(...found);
  }
  const target = stage.path(dest);
  const intoDir = dest.endsWith("/") || dest === "." || matches.length > 1 || (existsSync(target) && statSync(target).isDirectory());
  for (const rel of matches) {
    const from = join(base, rel);
    const st = lstatSync(from);
    if (st.isDirectory()) {
      copyInto(from, target, rel, !fromStage);
    } else if (i.op === "ADD" && !fromStage && ARCHIVE.test(rel)) {
      mkdirSync(target, { recursive: true });
      const tar = spawnSync("tar", ["-xf", from, "-C", target, "--no-same-owner", "--no-same-permissions"], { stdio: "inherit" });
      if (tar.status !== 0) fail(`ADD ${rel}: the archive could not be unpacked`);
    } else {
      const to = intoDir ? join(target, basename(rel)) : target;
      mkdirSync(join(to, ".."), { recursive: true });
      copyInto(from, to, rel, false);
    }
  }
  const destAbs = posix.normalize(dest.startsWith("/") ? dest : posix.join(stage.workdir, dest)).replace(/\/$/, "");
  if (destAbs !== "" && (intoDir || statSync(target).isDirectory())) stage.dirs.add(destAbs);
  console.log(`-----> ${i.op} ${i.from ? `--from=${i.from} ` : ""}${i.sources.join(" ")} ${i.dest}`);
}

function runLine(stage, command) {
  const mapped = stage.mapPaths(command);
  console.log(`-----> RUN ${command}`);
  const env = {
    HOME: join(tmp, "home"),
    TMPDIR: tmp,
    LANG: "C.UTF-8",
    out,
    support,
    SKYPANEL_NODE_DEPS: process.env.SKYPANEL_NODE_DEPS ?? "",
    SKYPANEL_NODE_PM: process.env.SKYPANEL_NODE_PM ?? "",
    npm_config_cache: join(tmp, "npm-cache"),
    npm_config_offline: "true",
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
    npm_config_progress: "false",
    GOPROXY: "off",
    GOSUMDB: "off",
    GOTOOLCHAIN: "local",
    GOCACHE: join(tmp, "go-cache"),
    GOPATH: join(tmp, "go"),
    GOMODCACHE: join(tmp, "go", "pkg", "mod"),
    ...stage.args,
    ...stage.env,
  };
  // ENV values naming the stage's directories (PATH entries, APP_HOME=/app…) point into its root.
  for (const name of Object.keys(stage.env)) env[name] = stage.mapPaths(stage.env[name]);
  env.PATH = stage.mapPaths(stage.env.PATH ?? basePath);
  const cwd = stage.path(".");
  mkdirSync(cwd, { recursive: true });
  const result = spawnSync("/bin/sh", ["-c", `. "${prelude}"\n${mapped}`], { cwd, env, stdio: "inherit" });
  if (result.status !== 0) {
    console.log(
      `       (RUN lines run in the stage's WORKDIR with the platform's toolchains, offline; absolute paths outside the stage's WORKDIRs and COPY destinations are the build machine's, read-only)`,
    );
    const shown = command.length > 200 ? `${command.slice(0, 200)}…` : command;
    fail(`RUN ${shown.replace(/\n/g, " ")} failed with exit status ${result.status ?? result.signal}`);
  }
}

// The app: the final stage's WORKDIR, and its ENV for every process.
const final = stages.at(-1);
const app = join(out, "app");
mkdirSync(app, { recursive: true });
copyInto(final.path("."), app, "", false);
rmSync(join(app, ".skypanel"), { recursive: true, force: true });
const lines = [];
const venv = join(out, "venv");
const workdir = final.workdir.replace(/\/$/, "");
for (const [name, value] of Object.entries(final.env)) {
  if (name === "PORT") {
    console.log("       ENV PORT is left out: the platform tells the app its port through $PORT");
    continue;
  }
  if (/[\r\n]/.test(value)) fail(`ENV ${name}: values with line breaks are not supported`);
  // Paths in the app's WORKDIR are in $out/app now; the platform's own PATH stays "$PATH".
  const inApp = (p) => (workdir !== "" && (p === workdir || p.startsWith(`${workdir}/`)) ? app + p.slice(workdir.length) : p);
  if (name === "PATH") lines.push(`PATH=${value.split(":").map(inApp).join(":").split(basePath).join("$PATH")}`);
  else lines.push(`${name}=${inApp(value)}`);
}
// What the image would have on its PATH: python (a venv, even without a pip install) and the
// commands pip installed; yarn and pnpm in node images.
const image = toolchainOf(plans.length - 1);
if (image === "python" && !existsSync(venv)) {
  const made = spawnSync("/bin/sh", ["-c", `. "${support}/python.sh" && python_venv "${venv}" ""`], { stdio: "inherit" });
  if (made.status !== 0) fail("the app's Python venv could not be made");
}
const extra = [...(existsSync(venv) ? [`${venv}/bin`] : []), ...(image === "node" && tools ? [`${tools}/bin`] : [])];
if (extra.length > 0) {
  const path = lines.findIndex((l) => l.startsWith("PATH="));
  if (path === -1) lines.push(`PATH=${extra.join(":")}:$PATH`);
  else lines[path] = `PATH=${extra.join(":")}:${lines[path].slice(5)}`;
}
if (existsSync(venv)) lines.push(`VIRTUAL_ENV=${venv}`, "PYTHONDONTWRITEBYTECODE=1");
if (lines.length > 0) {
  mkdirSync(join(app, ".skypanel"), { recursive: true });
  writeFileSync(join(app, ".skypanel", "env"), `${lines.join("\n")}\n`);
}
console.log(`-----> the app is the final stage's WORKDIR (${final.workdir})`);
