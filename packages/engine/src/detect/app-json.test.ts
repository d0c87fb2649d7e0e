// app.json's buildpacks and stack, read as hints by detection.
import { describe, expect, it } from "vitest";
import { detect, said } from "./test-sources.ts";

const DJANGO_WITH_ASSETS = {
  "requirements.txt": "django>=5.2,<5.3\ngunicorn\n",
  "manage.py": "",
  "mysite/wsgi.py": "application = None\n",
  "package.json": JSON.stringify({ name: "assets", scripts: { build: "echo assets", start: "node server.js" } }),
  "package-lock.json": JSON.stringify({ name: "assets", lockfileVersion: 3, packages: {} }),
};

describe("app.json hints", () => {
  it("its last buildpack chooses among the manifests the source has, and the plan says so", async () => {
    const plain = await detect(DJANGO_WITH_ASSETS);
    expect(plain.stack).toBe("python");
    const hinted = await detect({
      ...DJANGO_WITH_ASSETS,
      "app.json": JSON.stringify({ buildpacks: [{ url: "heroku/python" }, { url: "heroku/nodejs" }], stack: "heroku-24" }),
    });
    expect(hinted.stack).toBe("nodejs");
    expect(said(hinted, "app.json")).toMatch(/buildpacks end with heroku\/nodejs: the nodejs manifest builds this app/);
    expect(said(hinted, "app.json")).toMatch(/stack "heroku-24": SkyPanel builds on its own toolchains/);
    expect(said(hinted, "precedence")).toMatch(/Node\.js wins: app\.json's buildpacks name it/);
  });

  it("a buildpack for a stack the source lacks is a warning, never a stack", async () => {
    const plan = await detect({ ...DJANGO_WITH_ASSETS, "app.json": JSON.stringify({ buildpacks: [{ url: "heroku/go" }] }) });
    expect(plan.stack).toBe("python");
    expect(plan.warnings).toContainEqual(expect.stringMatching(/ask for heroku\/go, but the source has no go manifest/));
  });

  it("GitHub addresses of buildpacks count; unknown ones are named and ignored", async () => {
    const plan = await detect({
      ...DJANGO_WITH_ASSETS,
      "app.json": JSON.stringify({
        buildpacks: [{ url: "https://github.com/heroku/heroku-buildpack-nodejs" }, { url: "https://example.com/mine.tgz" }],
      }),
    });
    expect(plan.stack).toBe("nodejs");
    expect(said(plan, "app.json")).toMatch(/https:\/\/example\.com\/mine\.tgz mean nothing to SkyPanel/);
  });

  it("hostile app.json loses nothing: not JSON, wrong shapes and huge lists only warn or are ignored", async () => {
    const broken = await detect({ ...DJANGO_WITH_ASSETS, "app.json": "{ not json" });
    expect(broken.stack).toBe("python");
    expect(broken.warnings).toContainEqual(expect.stringMatching(/app\.json is not valid JSON/));
    for (const doc of [[], "x", { buildpacks: "heroku/nodejs" }, { buildpacks: [null, 1, { url: 2 }] }, { stack: 7 }]) {
      const plan = await detect({ ...DJANGO_WITH_ASSETS, "app.json": JSON.stringify(doc) });
      expect(plan.stack).toBe("python");
    }
    const many = Array.from({ length: 10_000 }, () => ({ url: "heroku/nodejs" }));
    expect((await detect({ ...DJANGO_WITH_ASSETS, "app.json": JSON.stringify({ buildpacks: many }) })).stack).toBe("nodejs");
    const huge = await detect({ ...DJANGO_WITH_ASSETS, "app.json": " ".repeat(300 * 1024) });
    expect(huge.stack).toBe("python");
    expect(huge.warnings).toContainEqual(expect.stringMatching(/app\.json was not read \(.*300 KiB.*\): its hints were ignored/));
    const outside = await detect({ ...DJANGO_WITH_ASSETS, "app.json": { symlink: "/etc/passwd" } });
    expect(outside.stack).toBe("python");
    expect(outside.warnings).toContainEqual(expect.stringMatching(/app\.json was not read/));
  });
});
