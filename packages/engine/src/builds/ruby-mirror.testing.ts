// A mock of RubyGems for the Ruby build tests (rubygems.org is not reachable from this machine):
// .gem files made here from Debian's packaged gems (ruby-rack, ruby-webrick) and from a gemspec
// written here (skypanel_native, a C extension: what the build must compile), indexed with
// `gem generate_index`, served as static files on 127.0.0.1 for a test file's duration.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";

/** Repackages installed gems (name-version under Debian's rubygems-integration) as .gem files in <out>/gems. */
const REPACKAGE = `
require "rubygems/package"; require "fileutils"
out = ARGV.shift
base = "/usr/share/rubygems-integration/all"
FileUtils.mkdir_p(File.join(out, "gems"))
ARGV.each do |full|
  spec = Gem::Specification.load(File.join(base, "specifications", "#{full}.gemspec")) or
    abort "Debian's gems have no #{full} (a Debian update?): update the test's gem list and the fixture's Gemfile.lock"
  work = File.join(out, "work", full)
  FileUtils.mkdir_p(File.dirname(work))
  FileUtils.cp_r(File.join(base, "gems", full), work)
  Dir.chdir(work) do
    spec.files = Dir.glob("**/*", File::FNM_DOTMATCH).select { |f| File.file?(f) }
    spec.bindir = "bin"
    spec.executables = Dir.glob("bin/*").map { |f| File.basename(f) }
    Gem::Package.build(spec, false, false, File.join(out, "gems", spec.file_name))
  end
end
FileUtils.rm_rf(File.join(out, "work"))
`;

/** skypanel_native 0.1.0: SkypanelNative.shout(s), upcased in C, so the build must compile it. */
const NATIVE_GEM: Record<string, string> = {
  "skypanel_native.gemspec": `Gem::Specification.new do |s|
  s.name = "skypanel_native"
  s.version = "0.1.0"
  s.summary = "A C extension for SkyPanel's Ruby build tests"
  s.authors = ["SkyPanel"]
  s.license = "MIT"
  s.files = ["lib/skypanel_native.rb", "ext/skypanel_native/extconf.rb", "ext/skypanel_native/skypanel_native.c"]
  s.extensions = ["ext/skypanel_native/extconf.rb"]
end
`,
  "lib/skypanel_native.rb": 'require "skypanel_native/skypanel_native"\n',
  "ext/skypanel_native/extconf.rb": 'require "mkmf"\ncreate_makefile("skypanel_native/skypanel_native")\n',
  "ext/skypanel_native/skypanel_native.c": `#include <ruby.h>
#include <ctype.h>
static VALUE shout(VALUE self, VALUE s) {
  VALUE out = rb_str_dup(StringValue(s));
  char *p = RSTRING_PTR(out);
  for (long i = 0; i < RSTRING_LEN(out); i++) p[i] = (char)toupper((unsigned char)p[i]);
  return out;
}
void Init_skypanel_native(void) {
  VALUE m = rb_define_module("SkypanelNative");
  rb_define_module_function(m, "shout", shout, 1);
}
`,
};

export interface GemMirror {
  url: string;
  /** What /info/<name> (the compact index) serves: nothing (404), the gems' real SHA-256, or wrong ones. */
  compactIndex: "none" | "right" | "wrong";
  close(): Promise<void>;
}

/** Serves Debian's copies of `gems` (e.g. "rack-2.2.22") as a RubyGems full index on 127.0.0.1. */
export async function startGemMirror(gems: string[]): Promise<GemMirror> {
  const root = mkdtempSync(join(tmpdir(), "skypanel-gem-mirror-"));
  const sh = (command: string, args: string[]) => {
    const r = spawnSync(command, args, { cwd: root, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${command} ${args[0]} failed: ${r.stderr || r.stdout}`);
  };
  sh("ruby", ["-e", REPACKAGE, root, ...gems]);
  const native = join(root, "native");
  for (const [file, text] of Object.entries(NATIVE_GEM)) {
    mkdirSync(join(native, file, ".."), { recursive: true });
    writeFileSync(join(native, file), text);
  }
  const built = spawnSync("gem", ["build", "skypanel_native.gemspec"], { cwd: native, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`gem build failed: ${built.stderr}`);
  renameSync(join(native, "skypanel_native-0.1.0.gem"), join(root, "gems", "skypanel_native-0.1.0.gem"));
  rmSync(native, { recursive: true });
  sh("gem", ["generate_index", "--directory", root]);
  const mirror = { compactIndex: "none" as GemMirror["compactIndex"] };
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    const info = /^\/info\/([A-Za-z0-9_.-]+)$/.exec(path)?.[1];
    if (info && mirror.compactIndex !== "none") {
      res.writeHead(200, { "content-type": "text/plain" }).end(compactIndex(join(root, "gems"), info, mirror.compactIndex === "wrong"));
      return;
    }
    const file = join(root, path);
    try {
      if (!file.startsWith(root) || !statSync(file).isFile()) throw new Error("not a file");
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(readFileSync(file));
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return Object.assign(mirror, {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          rmSync(root, { recursive: true, force: true });
          resolve();
        }),
      ),
  });
}

/** The compact index's /info/<name>: a line per version with the .gem's SHA-256 (or a wrong one). */
function compactIndex(gems: string, name: string, wrong: boolean): string {
  const lines = readdirSync(gems)
    .filter((f) => f.startsWith(`${name}-`) && /^\d/.test(f.slice(name.length + 1)))
    .map((f) => {
      const sum = createHash("sha256")
        .update(wrong ? "not the gem" : readFileSync(join(gems, f)))
        .digest("hex");
      return `${f.slice(name.length + 1, -".gem".length)} |checksum:${sum}`;
    });
  return `---\n${lines.join("\n")}\n`;
}
