// Rust detection: which workspace member is the app, and which rust-toolchain requests the
// platform's Rust (1.96.0 here) can honour.
import { describe, expect, it } from "vitest";
import { detect, said } from "./test-sources.ts";

const pkg = (name: string, extra = "") => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${extra}`;
const MAIN = "fn main() {}\n";

describe("Rust workspaces", () => {
  it("a virtual workspace builds the one member with a binary", async () => {
    const plan = await detect({
      "Cargo.toml": '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
      "crates/core/Cargo.toml": pkg("shop-core"),
      "crates/core/src/lib.rs": "pub fn hi() {}\n",
      "crates/api/Cargo.toml": pkg("shop-api"),
      "crates/api/src/main.rs": MAIN,
    });
    expect(plan).toMatchObject({ build: "cargo build --release --frozen --package shop-api", processes: { web: "./bin/shop-api" } });
    expect(said(plan, "build")).toMatch(/the workspace member crates\/api, the only one of the workspace's members with a binary/);
  });

  it("default-members chooses among members with binaries, and a member's default-run names the binary", async () => {
    const plan = await detect({
      "Cargo.toml": '[workspace]\nmembers = ["api", "cli"]\ndefault-members = ["api"]\n',
      "api/Cargo.toml": pkg(
        "api",
        'default-run = "serve"\n\n[[bin]]\nname = "serve"\npath = "src/main.rs"\n\n[[bin]]\nname = "migrate"\npath = "src/migrate.rs"\n',
      ),
      "api/src/main.rs": MAIN,
      "api/src/migrate.rs": MAIN,
      "cli/Cargo.toml": pkg("cli"),
      "cli/src/main.rs": MAIN,
    });
    expect(plan).toMatchObject({ build: "cargo build --release --frozen --package api", processes: { web: "./bin/serve" } });
    expect(said(plan, "build")).toMatch(/the workspace member api, the workspace's only default member/);
    expect(said(plan, "start")).toMatch(/default-run in api\/Cargo\.toml/);
  });

  it("several members with binaries and nothing choosing: the whole workspace builds, and the Procfile says what runs", async () => {
    const files = {
      "Cargo.toml": '[workspace]\nmembers = ["api", "worker"]\n',
      "api/Cargo.toml": pkg("api"),
      "api/src/main.rs": MAIN,
      "worker/Cargo.toml": pkg("worker"),
      "worker/src/main.rs": MAIN,
    };
    await expect(detect(files)).rejects.toThrow(
      /the workspace members api \(api\), worker \(worker\) all have a binary; set default-members/,
    );
    const plan = await detect({ ...files, Procfile: "web: ./bin/api\nworker: ./bin/worker\n" });
    expect(plan).toMatchObject({
      build: "cargo build --release --frozen --workspace",
      processes: { web: "./bin/api", worker: "./bin/worker" },
    });
  });
});

describe("rust-toolchain against the platform's Rust 1.96.0", () => {
  const app = { "Cargo.toml": pkg("shop"), "src/main.rs": MAIN };

  it.each([
    [
      "rust-toolchain.toml",
      '[toolchain]\nchannel = "1.78.0"\ncomponents = ["clippy"]\n',
      /rust-toolchain\.toml asks for 1\.78\.0, which it satisfies/,
    ],
    ["rust-toolchain", "1.9\n", /rust-toolchain asks for 1\.9, which it satisfies/],
    ["rust-toolchain", "stable\n", /the platform's stable release: rust-toolchain asks for stable/],
  ])("%s %j is honoured with the platform's Rust", async (file, text, why) => {
    const plan = await detect({ ...app, [file]: text });
    expect(plan.versions).toEqual({ rust: "1.96.0" });
    expect(said(plan, "version")).toMatch(why);
  });

  it("no rust-toolchain: the platform's Rust, saying so", async () => {
    const plan = await detect(app);
    expect(said(plan, "version")).toBe("Rust 1.96.0, the platform's (no rust-toolchain.toml or rust-toolchain).");
  });

  it.each([
    [
      "rust-toolchain",
      "nightly\n",
      /^rust-toolchain: asks for the nightly channel \("nightly"\); the platform has only stable Rust 1\.96\.0\./,
    ],
    [
      "rust-toolchain.toml",
      '[toolchain]\nchannel = "nightly-2024-05-01"\n',
      /^rust-toolchain\.toml: asks for the nightly channel .*Rust 1\.96\.0/,
    ],
    // 1.100 is newer than 1.96 (numbers, not text).
    [
      "rust-toolchain.toml",
      '[toolchain]\nchannel = "1.100"\n',
      /^rust-toolchain\.toml: asks for Rust 1\.100, newer than the platform's Rust 1\.96\.0/,
    ],
    ["rust-toolchain", "1.99.0\n", /^rust-toolchain: asks for Rust 1\.99\.0, newer than the platform's Rust 1\.96\.0\. .*up to 1\.96\.0/],
  ])("%s %j is refused, naming the platform's version", async (file, text, message) => {
    await expect(detect({ ...app, [file]: text })).rejects.toThrow(message);
  });
});
