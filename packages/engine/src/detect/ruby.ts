// Ruby: Bundler from the Gemfile, the version from Gemfile.lock / Gemfile / .ruby-version,
// and Rails, Sinatra or plain Rack start commands.
import type { SourceTree } from "./files.ts";
import { shellQuote } from "./shell.ts";
import { reason, type StackDetection, type StackRule } from "./stack.ts";
import { checkVersion, DEFAULT_VERSIONS, firstLine } from "./versions.ts";

const RACKUP = "bundle exec rackup config.ru -o 0.0.0.0 -p $PORT";

export const ruby: StackRule = {
  stack: "ruby",
  markers: ["Gemfile"],
  async detect(tree) {
    const gemfile = (await tree.readText("Gemfile")) ?? "";
    const lock = await tree.readText("Gemfile.lock");
    const gems = new Set([...gemfile.matchAll(/^\s*gem\s+["']([^"']+)["']/gm)].map((m) => m[1] as string));
    // Gems in the lock's specs count too: a Rails app may depend on railties only through another gem.
    for (const m of (lock ?? "").matchAll(/^ {4}([A-Za-z0-9_.-]+) \(/gm)) gems.add(m[1] as string);

    const d: StackDetection = {
      stack: "ruby",
      framework: null,
      versions: {},
      packageManager: "bundler",
      lockfiles: lock === null ? ["Gemfile"] : ["Gemfile", "Gemfile.lock"],
      // Environment variables rather than flags: --deployment and --without are gone from Bundler 4.
      install:
        lock === null
          ? "BUNDLE_WITHOUT=development:test bundle install"
          : "BUNDLE_DEPLOYMENT=1 BUNDLE_WITHOUT=development:test bundle install",
      build: null,
      test: null,
      web: null,
      reasons: [reason("package manager", `Gemfile found: Bundler${lock === null ? "" : ", with Gemfile.lock"}.`)],
      warnings: lock === null ? ["No Gemfile.lock: installs are not reproducible. Run bundle lock and commit Gemfile.lock."] : [],
    };

    const version = await rubyVersion(tree, gemfile, lock);
    d.versions.ruby = version.version;
    d.reasons.push(reason("version", `Ruby ${version.version} from ${version.from}.`));

    if ((await tree.isFile("config/application.rb")) || gems.has("rails")) {
      d.framework = "rails";
      d.reasons.push(
        reason(
          "framework",
          (await tree.isFile("config/application.rb")) ? "Rails: config/application.rb exists." : "Rails: the rails gem.",
        ),
      );
      if ((await tree.isDir("app/assets")) || (await tree.isDir("app/javascript"))) {
        d.build = "bundle exec rails assets:precompile";
        d.reasons.push(reason("build", "Rails assets (app/assets or app/javascript) are precompiled at build."));
      }
      d.web = "bundle exec rails server -b 0.0.0.0 -p $PORT";
      d.reasons.push(reason("start", `${d.web}: the Rails server.`));
    } else if (gems.has("sinatra")) {
      d.framework = "sinatra";
      d.reasons.push(reason("framework", "Sinatra: the sinatra gem."));
      if (await tree.isFile("config.ru")) {
        d.web = RACKUP;
        d.reasons.push(reason("start", `${d.web}: config.ru exists.`));
      } else {
        const main = await sinatraFile(tree);
        if (main) {
          d.web = `bundle exec ruby ${shellQuote(main)} -o 0.0.0.0 -p $PORT`;
          d.reasons.push(reason("start", `${d.web}: ${main} requires sinatra and there is no config.ru.`));
        } else d.noWeb = "this Sinatra app has no config.ru and no top-level .rb file that requires sinatra";
      }
    } else if (await tree.isFile("config.ru")) {
      d.web = RACKUP;
      d.reasons.push(reason("start", `${d.web}: a Rack app (config.ru).`));
    } else {
      d.noWeb = "neither Rails, Sinatra nor a config.ru was found";
    }
    return d;
  },
};

async function rubyVersion(tree: SourceTree, gemfile: string, lock: string | null): Promise<{ version: string; from: string }> {
  const locked = /^RUBY VERSION\s*\n\s+ruby (\d+\.\d+\.\d+)/m.exec(lock ?? "")?.[1];
  if (locked) return { version: locked, from: "Gemfile.lock's RUBY VERSION" };
  const declared = /^\s*ruby\s+["']([^"']+)["']/m.exec(gemfile)?.[1];
  if (declared) return { version: checkVersion("Gemfile", declared, "Ruby"), from: "the ruby line in the Gemfile" };
  const file = await tree.readText(".ruby-version", 4096);
  if (file !== null && firstLine(file) !== "") {
    return { version: checkVersion(".ruby-version", firstLine(file).replace(/^ruby-/, ""), "Ruby"), from: ".ruby-version" };
  }
  return {
    version: DEFAULT_VERSIONS.ruby,
    from: "the platform default (no Gemfile.lock RUBY VERSION, ruby line in the Gemfile or .ruby-version)",
  };
}

async function sinatraFile(tree: SourceTree): Promise<string | null> {
  if (await tree.isFile("app.rb")) return "app.rb";
  for (const entry of await tree.list(".")) {
    if (entry.kind !== "file" || !entry.name.endsWith(".rb")) continue;
    const text = await tree.readText(entry.path).catch(() => null);
    if (text && /^\s*require\s+["']sinatra(\/base)?["']/m.test(text)) return entry.path;
  }
  return null;
}
