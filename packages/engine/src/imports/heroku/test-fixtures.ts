// A Heroku app as the tests describe it to the stand-in: a Node shop with Postgres, Redis and
// Papertrail, a custom domain, and a real slug tar.gz on disk. For tests only.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { type TarEntry, tar } from "../../sources/test-archives.ts";
import type { HerokuStandInModel, StandInApp } from "./stand-in-model.ts";

export const TOKEN = "hrku-0123456789abcdef-TOKEN";

/** Every config value of the shop, so a test can check none of them leaks into a plan. */
export const SHOP_CONFIG: Record<string, string> = {
  DATABASE_URL: "postgres://u1:pg-password-1@ec2-1.compute.amazonaws.com:5432/d1",
  HEROKU_POSTGRESQL_RED_URL: "postgres://u1:pg-password-1@ec2-1.compute.amazonaws.com:5432/d1?red",
  REDIS_URL: "redis://:redis-password-2@ec2-2.compute.amazonaws.com:6379",
  REDIS_TLS_URL: "rediss://:redis-password-2@ec2-2.compute.amazonaws.com:6380",
  CACHE_TLS_URL: "rediss://:redis-password-2@ec2-2.compute.amazonaws.com:6381",
  PAPERTRAIL_API_TOKEN: "papertrail-token-3",
  SECRET_KEY_BASE: "secret-key-base-4",
  NODE_ENV: "production-value-5",
};

/** A slug as Heroku builds one: the app under ./app/ with the buildpack's output beside it. */
export function slugTarGz(entries: TarEntry[]): Buffer {
  return gzipSync(tar(entries));
}

export const NODE_SLUG: TarEntry[] = [
  { name: "./app/", type: "directory" },
  { name: "./app/Procfile", data: "web: node server.js\nworker: node worker.js\n" },
  { name: "./app/package.json", data: '{"name":"shop"}' },
  { name: "./app/server.js", data: "require('http').createServer().listen(process.env.PORT)", mode: 0o755 },
  { name: "./app/bin/", type: "directory" },
  { name: "./app/bin/start", type: "symlink", linkname: "../server.js" },
  { name: "./app/node_modules/left-pad/index.js", data: "module.exports = 1" },
  { name: "./app/web/node_modules/x/index.js", data: "module.exports = 2" },
  { name: "./app/web/index.js", data: "module.exports = 3" },
  { name: "./app/.heroku/node/bin/node", data: "ELF", mode: 0o755 },
  { name: "./app/.profile.d/nodejs.sh", data: "export PATH=$HOME/.heroku/node/bin:$PATH" },
  { name: "./app/vendor/autoload.php", data: "<?php" },
];

export function shopApp(dir: string): StandInApp {
  const slugFile = join(dir, "slug.tgz");
  writeFileSync(slugFile, slugTarGz(NODE_SLUG));
  const dumpFile = join(dir, "b001.dump");
  writeFileSync(dumpFile, Buffer.concat([Buffer.from("PGDMP"), Buffer.alloc(2048, 7)]));
  return {
    id: "01234567-89ab-cdef-0123-456789abcdef",
    name: "shop",
    stack: "heroku-24",
    region: "eu",
    buildpacks: ["heroku/nodejs", "https://github.com/heroku/heroku-buildpack-apt"],
    formation: [
      { type: "worker", quantity: 1, size: "standard-1x", command: "npm run worker" },
      { type: "web", quantity: 2, size: "standard-2x", command: "npm start" },
      { type: "clock", quantity: 0, size: "basic", command: "npm run clock" },
    ],
    config: { ...SHOP_CONFIG },
    addons: [
      {
        id: "addon-pg",
        name: "postgresql-shaped-12345",
        service: "heroku-postgresql",
        plan: "essential-0",
        configVars: ["DATABASE_URL", "HEROKU_POSTGRESQL_RED_URL"],
        attachedAs: ["DATABASE", "HEROKU_POSTGRESQL_RED"],
      },
      {
        id: "addon-redis",
        name: "redis-curly-67890",
        service: "heroku-redis",
        plan: "mini",
        configVars: ["REDIS_URL", "REDIS_TLS_URL"],
        attachedAs: ["REDIS", "CACHE"],
      },
      {
        id: "addon-pt",
        name: "papertrail-flat-11111",
        service: "papertrail",
        plan: "choklad",
        configVars: ["PAPERTRAIL_API_TOKEN"],
        attachedAs: ["PAPERTRAIL"],
      },
    ],
    domains: [
      { hostname: "shop-0123456789ab.herokuapp.com", kind: "heroku" },
      { hostname: "www.shop.example", kind: "custom", cname: "fathomless-1234.herokudns.com" },
      { hostname: "api.shop.example", kind: "custom", sniEndpoint: "tokyo-1234" },
    ],
    release: { version: 7, slugId: "slug-7" },
    slug: { id: "slug-7", processTypes: { web: "node server.js", worker: "node worker.js" }, file: slugFile, commit: "abc1234" },
    backups: [
      { num: 1, file: dumpFile, succeeded: true },
      { num: 2, file: dumpFile, succeeded: false },
    ],
  };
}

/** A few more apps, so listing them takes several pages of two. */
export function otherApps(count: number): StandInApp[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `app-${i}`,
    name: `other-${i}`,
    stack: "heroku-22",
    region: "us",
    buildpacks: [],
    formation: [],
    config: {},
    addons: [],
    domains: [],
    release: null,
    slug: null,
    backups: [],
  }));
}

export function shopModel(dir: string, extra: Partial<HerokuStandInModel> = {}): HerokuStandInModel {
  return { token: TOKEN, apps: [shopApp(dir), ...otherApps(4)], pageSize: 2, ...extra };
}
