// Reading app.json from a source directory that may be hostile.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import { MAX_APP_JSON_BYTES } from "./manifest.ts";
import { readAppJson } from "./read.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "skypanel-app-json-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readAppJson", () => {
  it("is null when the source has no app.json", async () => {
    expect(await readAppJson(dir)).toBeNull();
  });

  it("reads and checks the app.json at the top of the source", async () => {
    await writeFile(path.join(dir, "app.json"), JSON.stringify({ env: { A: "1" }, addons: ["heroku-postgresql:essential-0"] }));
    const manifest = await readAppJson(dir);
    expect(manifest?.env).toEqual([{ key: "A", value: "1", required: true }]);
    expect(manifest?.addons).toEqual([{ service: "heroku-postgresql", plan: "essential-0", as: null, becomes: "postgresql" }]);
  });

  it("refuses a symbolic link, even to a valid app.json inside the source", async () => {
    await writeFile(path.join(dir, "real.json"), "{}");
    await symlink("real.json", path.join(dir, "app.json"));
    await expect(readAppJson(dir)).rejects.toThrow(/^app\.json: is a symbolic link;/);
    await expect(readAppJson(dir)).rejects.toBeInstanceOf(ValidationError);
  });

  it("refuses a link that dangles or leads out of the source", async () => {
    await symlink("/etc/passwd", path.join(dir, "app.json"));
    await expect(readAppJson(dir)).rejects.toThrow(/^app\.json: is a symbolic link;/);
    await rm(path.join(dir, "app.json"));
    await symlink("nowhere.json", path.join(dir, "app.json"));
    await expect(readAppJson(dir)).rejects.toThrow(/^app\.json: is a symbolic link;/);
  });

  it("refuses a file over 256 KiB before reading it", async () => {
    await writeFile(path.join(dir, "app.json"), JSON.stringify({ description: "x".repeat(MAX_APP_JSON_BYTES) }));
    await expect(readAppJson(dir)).rejects.toThrow(/^app\.json: is 256\.\d+ KiB, more than the 256 KiB SkyPanel reads\.$/);
  });

  it("refuses a directory and a FIFO without blocking on it", async () => {
    await mkdir(path.join(dir, "app.json"));
    await expect(readAppJson(dir)).rejects.toThrow("app.json: is a directory, expected a file.");
    await rm(path.join(dir, "app.json"), { recursive: true });
    execFileSync("mkfifo", [path.join(dir, "app.json")]);
    await expect(readAppJson(dir)).rejects.toThrow("app.json: is not a regular file (a device, socket or pipe).");
  });

  it("refuses text that is not UTF-8, and passes on the checks of its content", async () => {
    await writeFile(path.join(dir, "app.json"), Buffer.from([0x7b, 0xff, 0x7d]));
    await expect(readAppJson(dir)).rejects.toThrow("app.json: is not UTF-8 text.");
    await writeFile(path.join(dir, "app.json"), '{"formation": {"web": {"quantity": 1000}}}');
    await expect(readAppJson(dir)).rejects.toThrow(/^app\.json formation\.web\.quantity: must be a whole number from 0 to 100\.$/);
  });
});
