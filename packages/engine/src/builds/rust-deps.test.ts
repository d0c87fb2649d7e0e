// Rust builds against real Nix, real crates.io and PGlite, deployed in nspawn behind Caddy: the
// crates Cargo.lock names vendored as a dependency layer (checked against its checksums), built
// offline with Debian's cargo; a workspace member; a crate without Cargo.lock; what is refused.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildsOnOneEngine, copyFixture, freshCopy, wrongAnswers } from "./testing.ts";

type Plan = { processes: Record<string, string>; warnings: string[]; versions: Record<string, string> };

describe("Rust crates from crates.io (real Nix, real crates.io, PGlite, nspawn and Caddy)", { timeout: 600_000 }, () => {
  const builds = buildsOnOneEngine("rust", "ferris@example.com", { runtime: true });
  const build = (dir: string, existing?: string) => builds.build<Plan>(dir, existing);

  // The first axum build; the warm rebuild waits for it and builds the same app again.
  let axum: ReturnType<typeof build> | null = null;
  const firstAxum = () => {
    axum ??= build(freshCopy("rust-axum"));
    return axum;
  };

  it.concurrent("rust-axum: crates vendored from crates.io, built offline, bin/rust-axum answers 200 through Caddy", async () => {
    const b = await firstAxum();
    expect(b.build.status, b.log).toBe("succeeded");
    console.log(`rust-axum cold build: ${((b.build.durationMs ?? 0) / 1000).toFixed(1)} s`);
    expect(b.plan.processes.web).toBe("./bin/rust-axum");
    expect(b.plan.versions).toEqual({ rust: "1.96.0" });
    expect(b.log).toMatch(/-----> cargo vendor --locked: 40 crates from crates\.io, checked against Cargo\.lock/);
    expect(b.log).toMatch(/-----> rustc 1\.96\.\d+, cargo 1\.96\.\d+ .*crates: the fetched layer/);
    // The crates compile in a step of their own (here, or in an earlier run that left it in the store).
    expect(b.log).toMatch(/-----> crates compiled earlier: \/nix\/store\/\w+-rust-dependencies/);
    expect(b.build.cacheHit).toBe(false);
    expect(wrongAnswers(await builds.throughCaddy(b, { count: 30 }), "Hello from Rust and axum")).toEqual([]);
  });

  it.concurrent("a source-only change rebuilds on the same dependency layer (cache hit)", async () => {
    const first = await firstAxum();
    expect(first.build.status, first.log).toBe("succeeded");
    const dir = freshCopy("rust-axum");
    const main = join(dir, "src", "main.rs");
    writeFileSync(main, readFileSync(main, "utf8").replace("Hello from Rust and axum", "Hello again from Rust and axum"));
    const b = await build(dir, first.app);
    expect(b.build.status, b.log).toBe("succeeded");
    console.log(`rust-axum warm build: ${((b.build.durationMs ?? 0) / 1000).toFixed(1)} s`);
    expect(b.build.cacheHit).toBe(true);
    expect(b.build.cacheKey).toBe(first.build.cacheKey);
    expect(b.log).toMatch(/dependency layer: cache hit/);
    // The crates compiled for the first build are reused: only the app's own crate compiles.
    expect(b.log).toMatch(/-----> crates compiled earlier: /);
    expect(b.log).toMatch(/Compiling rust-axum v0\.1\.0/);
    expect(b.log).not.toMatch(/Compiling (tokio|axum|hyper) /);
    expect(wrongAnswers(await builds.throughCaddy(b, { count: 30 }), "Hello again from Rust and axum")).toEqual([]);
  });

  it.concurrent("another app's crate comes from the shared download cache, checked against its Cargo.lock, not downloaded again", async () => {
    const first = await firstAxum();
    expect(first.build.status, first.log).toBe("succeeded");
    // rust-cargo's server with itoa, locked to the version and checksum rust-axum's Cargo.lock has.
    const itoa = /\[\[package\]\]\nname = "itoa"\n[^[]*/.exec(readFileSync(join(copyFixture("rust-axum"), "Cargo.lock"), "utf8"))?.[0];
    expect(itoa).toMatch(/checksum = "[0-9a-f]{64}"/);
    const dir = freshCopy("rust-cargo");
    const manifest = join(dir, "Cargo.toml");
    writeFileSync(manifest, readFileSync(manifest, "utf8").replace("[dependencies]\n", '[dependencies]\nitoa = "1"\n'));
    const lock = join(dir, "Cargo.lock");
    writeFileSync(
      lock,
      `${readFileSync(lock, "utf8").replace('version = "0.1.0"\n', 'version = "0.1.0"\ndependencies = ["itoa"]\n')}\n${itoa}`,
    );
    const main = join(dir, "src", "main.rs");
    writeFileSync(
      main,
      readFileSync(main, "utf8").replace(
        'let body = "hello from rust-cargo\\n";',
        'let body = format!("hello from rust-cargo and itoa {}\\n", itoa::Buffer::new().format(42u8));',
      ),
    );
    const b = await build(dir);
    expect(b.build.status, b.log).toBe("succeeded");
    expect(b.log).toMatch(
      /-----> cargo vendor --locked: 1 crate from crates\.io, checked against Cargo\.lock \(1 from the download cache\)/,
    );
    expect(b.log).not.toMatch(/Downloaded itoa/);
    expect(wrongAnswers(await builds.throughCaddy(b, { count: 10 }), "hello from rust-cargo and itoa 42")).toEqual([]);
  });

  it.concurrent("a Cargo.lock whose checksum for axum is wrong fails in the dependency stage, naming the crate", async () => {
    const dir = copyFixture("rust-axum");
    const lock = join(dir, "Cargo.lock");
    const text = readFileSync(lock, "utf8");
    const tampered = text.replace(/(name = "axum"\nversion = "(\S+)"\nsource = "\S+"\nchecksum = )"[0-9a-f]{64}"/, `$1"${"0".repeat(64)}"`);
    expect(tampered).not.toBe(text);
    writeFileSync(lock, tampered);
    const b = await build(dir);
    expect(b.build.status).toBe("failed");
    expect(b.build.stages.find((s) => s.name === "dependencies")?.status).toBe("failed");
    expect(b.build.error).toMatch(
      /^Cargo\.lock's checksum for axum 0\.8\.\d+ does not match the crate crates\.io serves, so Cargo refused it\./,
    );
  });

  it.concurrent("a git dependency fails in the dependency stage, naming the crate", async () => {
    const dir = copyFixture("rust-axum");
    const manifest = join(dir, "Cargo.toml");
    writeFileSync(manifest, `${readFileSync(manifest, "utf8")}ferris-says = { git = "https://github.com/rust-lang/ferris-says" }\n`);
    const b = await build(dir);
    expect(b.build.status).toBe("failed");
    expect(b.build.stages.find((s) => s.name === "dependencies")?.status).toBe("failed");
    expect(b.build.error).toBe(
      "Git dependencies cannot be fetched: ferris-says (https://github.com/rust-lang/ferris-says) in Cargo.toml. Builds take crates from crates.io only; depend on a published version, or copy the crate into the source and depend on it by path.",
    );
  });

  it.concurrent("a workspace without Cargo.lock builds its member with a binary (resolved at fetch, with a warning), which answers", async () => {
    // rust-cargo's std-only server, moved into crates/web of a virtual workspace beside a library.
    const dir = freshCopy("rust-cargo");
    const web = join(dir, "crates", "web");
    mkdirSync(join(web, "src"), { recursive: true });
    mkdirSync(join(dir, "crates", "core", "src"), { recursive: true });
    renameSync(join(dir, "src", "main.rs"), join(web, "src", "main.rs"));
    writeFileSync(
      join(web, "Cargo.toml"),
      readFileSync(join(dir, "Cargo.toml"), "utf8").replace('name = "rust-cargo"', 'name = "shop-web"'),
    );
    writeFileSync(join(dir, "crates", "core", "Cargo.toml"), '[package]\nname = "shop-core"\nversion = "0.1.0"\nedition = "2021"\n');
    writeFileSync(join(dir, "crates", "core", "src", "lib.rs"), "pub fn core() {}\n");
    writeFileSync(join(dir, "Cargo.toml"), '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n');
    rmSync(join(dir, "Cargo.lock"));
    const b = await build(dir);
    expect(b.build.status, b.log).toBe("succeeded");
    expect(b.plan.processes.web).toBe("./bin/shop-web");
    expect(b.log).toMatch(/No Cargo\.lock: resolving the crates' versions now, from crates\.io/);
    expect(b.log).toMatch(/-----> cargo build --release --frozen --package shop-web/);
    expect(wrongAnswers(await builds.throughCaddy(b, { count: 10 }), "hello from rust-cargo")).toEqual([]);
  });
});
