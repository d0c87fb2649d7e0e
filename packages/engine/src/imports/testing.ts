// For the import tests: a Heroku app as the Heroku STAND-IN serves it. Its slug is a real slug's
// shape (./app/ with build output Heroku left in it), its backup a real pg_dump of a database made
// for the test on the test PostgreSQL server, with rows the imported app must show.

import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { libpqEnv } from "../addons/pg-dump.ts";
import type { HerokuStandInModel } from "./heroku/stand-in.ts";

const FIXTURE = fileURLToPath(new URL("../../fixtures/apps/heroku-notes/", import.meta.url));

/** The rows the Heroku app's database has, which the imported app must read back. */
export const HEROKU_NOTES = ["bought on Heroku", "kept across the move", "read through DATABASE_URL"];

export interface NotesOnHeroku {
  model: HerokuStandInModel;
  token: string;
  appName: string;
  /** Config values set on "Heroku": none may appear in a plan, an import's row, its events or the audit log. */
  secrets: string[];
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(command, args, { env, encoding: "utf8", cwd: "/" });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

/**
 * Writes the slug and the backup under `dir` and returns the stand-in's model of the app
 * `appName`: web and worker processes, GREETING and SECRET_TOKEN to copy, a PostgreSQL add-on
 * (DATABASE_URL, data from the backup), a Papertrail add-on SkyPanel has no counterpart for,
 * Heroku's own domain and a custom one.
 */
export function notesOnHeroku(
  where: string,
  pgAdminUrl: string,
  appName = "notes-on-heroku",
  token = `HRKU-${randomUUID()}`,
): NotesOnHeroku {
  // The tools run from /, where a relative folder would mean something else.
  const dir = resolve(where);
  mkdirSync(dir, { recursive: true });
  // The slug: the app's files under ./app/, with what Heroku's Node.js buildpack leaves there.
  const tree = join(dir, "slug-tree");
  const app = join(tree, "app");
  cpSync(FIXTURE, app, { recursive: true });
  mkdirSync(join(app, "node_modules", "left-pad"), { recursive: true });
  writeFileSync(join(app, "node_modules", "left-pad", "index.js"), "module.exports = 'built on Heroku';\n");
  mkdirSync(join(app, ".heroku", "node", "bin"), { recursive: true });
  writeFileSync(join(app, ".heroku", "node", "bin", "node"), "#!/bin/sh\necho not a real node\n", { mode: 0o755 });
  mkdirSync(join(app, ".profile.d"), { recursive: true });
  writeFileSync(join(app, ".profile.d", "nodejs.sh"), "export PATH=$HOME/.heroku/node/bin:$PATH\n");
  const slugFile = join(dir, "slug.tgz");
  run("tar", ["-czf", slugFile, "-C", tree, "./app"]);

  // The backup: a database of its own on the test server, dumped, then dropped.
  const database = `heroku_src_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = libpqEnv(pgAdminUrl);
  const env = { ...process.env, ...admin };
  run("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", `CREATE DATABASE ${database}`], env);
  const dumpFile = join(dir, "backup.dump");
  try {
    const inDb = { ...env, PGDATABASE: database };
    const values = HEROKU_NOTES.map((n) => `('${n}')`).join(", ");
    run(
      "psql",
      [
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-c",
        `CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL); INSERT INTO notes (body) VALUES ${values};`,
      ],
      inDb,
    );
    run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", `--file=${dumpFile}`], inDb);
  } finally {
    run("psql", ["-X", "-q", "-c", `DROP DATABASE IF EXISTS ${database}`], env);
  }

  const secrets = [`greeting-${randomUUID()}`, `s3cr3t-${randomUUID()}`, `postgres://u${randomUUID().slice(0, 8)}:pw@ec2.example.com/d1`];
  const slugId = randomUUID();
  return {
    token,
    appName,
    secrets,
    model: {
      token,
      pageSize: 2,
      apps: [
        {
          id: randomUUID(),
          name: appName,
          stack: "heroku-24",
          region: "eu",
          buildpacks: ["heroku/nodejs"],
          formation: [
            { type: "web", quantity: 1, size: "Basic", command: "node server.js" },
            { type: "worker", quantity: 1, size: "Basic", command: "node worker.js" },
          ],
          config: {
            GREETING: secrets[0] as string,
            SECRET_TOKEN: secrets[1] as string,
            DATABASE_URL: secrets[2] as string,
            PAPERTRAIL_API_TOKEN: "pt-token-value",
          },
          addons: [
            {
              id: randomUUID(),
              name: "postgresql-shaped-12345",
              service: "heroku-postgresql",
              plan: "essential-0",
              configVars: ["DATABASE_URL"],
              attachedAs: ["DATABASE"],
            },
            {
              id: randomUUID(),
              name: "papertrail-flat-67890",
              service: "papertrail",
              plan: "choklad",
              configVars: ["PAPERTRAIL_API_TOKEN"],
              attachedAs: ["PAPERTRAIL"],
            },
          ],
          domains: [
            { hostname: `${appName}.herokuapp.com`, kind: "heroku" },
            { hostname: `www.${appName}.example.com`, kind: "custom", cname: "shy-fox-1234.herokudns.com" },
          ],
          release: { version: 42, slugId },
          slug: {
            id: slugId,
            processTypes: { web: "node server.js", worker: "node worker.js" },
            file: slugFile,
            commit: "0123456789abcdef0123456789abcdef01234567",
          },
          backups: [{ num: 7, file: dumpFile, succeeded: true }],
        },
        // A second app, so the list spans pages (pageSize 2) in the wizard.
        ...["another-heroku-app", "third-heroku-app"].map((name) => ({
          id: randomUUID(),
          name,
          stack: "heroku-22",
          region: "us",
          buildpacks: ["heroku/python"],
          formation: [{ type: "web", quantity: 1, size: "Eco", command: "gunicorn app:app" }],
          config: {},
          addons: [],
          domains: [],
          release: null,
          slug: null,
          backups: [],
        })),
      ],
    },
  };
}
