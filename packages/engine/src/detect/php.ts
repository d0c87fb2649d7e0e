// PHP: Composer when there is a composer.json, the version from its require.php, and PHP's
// built-in server on the document root (public/ when it exists).
import { InvalidSourceFileError } from "./errors.ts";
import type { SourceTree } from "./files.ts";
import { reason, type StackDetection, type StackRule } from "./stack.ts";
import { checkVersion, DEFAULT_VERSIONS } from "./versions.ts";

export const php: StackRule = {
  stack: "php",
  markers: ["composer.json", "index.php", "public/index.php"],
  async detect(tree) {
    const composer = await readComposer(tree);
    const locked = composer !== null && (await tree.has("composer.lock"));
    const d: StackDetection = {
      stack: "php",
      framework: null,
      versions: {},
      packageManager: composer ? "composer" : "none",
      lockfiles: composer ? (locked ? ["composer.json", "composer.lock"] : ["composer.json"]) : [],
      install: composer ? "composer install --no-dev --optimize-autoloader --no-interaction" : null,
      build: null,
      test: null,
      web: null,
      reasons: [
        reason(
          "package manager",
          composer
            ? `composer.json found: Composer${locked ? ", with composer.lock" : ""}.`
            : "index.php without composer.json: nothing to install.",
        ),
      ],
      warnings: composer && !locked ? ["No composer.lock: installs are not reproducible. Commit composer.lock."] : [],
    };
    const required = composer?.php;
    const version = required ? checkVersion("composer.json", required, "PHP") : DEFAULT_VERSIONS.php;
    d.versions.php = version;
    d.reasons.push(
      reason(
        "version",
        required
          ? `PHP ${version} from require.php in composer.json.`
          : `PHP ${version}: the platform default (composer.json requires no php version).`,
      ),
    );

    const docroot = (await tree.isDir("public")) ? "public" : ".";
    d.web = `php -S 0.0.0.0:$PORT -t ${docroot}`;
    d.reasons.push(
      reason(
        "start",
        `${d.web}: PHP's built-in server, document root ${docroot === "." ? "the app's top directory (there is no public/)" : "public/"}.`,
      ),
    );
    return d;
  },
};

async function readComposer(tree: SourceTree): Promise<{ php: string | null } | null> {
  const text = await tree.readText("composer.json");
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InvalidSourceFileError("composer.json", `is not valid JSON (${(err as Error).message}).`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new InvalidSourceFileError("composer.json", "must be a JSON object.");
  const require = (raw as Record<string, unknown>).require;
  const phpVersion = typeof require === "object" && require !== null ? (require as Record<string, unknown>).php : undefined;
  if (phpVersion !== undefined && typeof phpVersion !== "string")
    throw new InvalidSourceFileError("composer.json", '"require.php" must be a string.');
  return { php: phpVersion ?? null };
}
