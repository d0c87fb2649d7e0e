// The scan from lockfile to findings against stand-ins of the advisory sources on loopback (this
// machine reaches none of the real ones for this: npm's bulk endpoint refuses POST with 405,
// PyPI's per-version JSON and vuln.go.dev are not reachable); tests send traffic to loopback only.
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFixture } from "../testing.ts";
import { type AdvisoryStandIn, startAdvisoryStandIn } from "./advisories.testing.ts";
import { DEFAULT_SCAN_LIMITS } from "./http.ts";
import { lockedVersions, lookUpVulnerabilities, type ScanSettings } from "./scan.ts";

const nodePlan = { stack: "nodejs" as const, lockfiles: ["package-lock.json"] };
const settings = (standIn: AdvisoryStandIn, limits: Partial<ScanSettings["limits"]> = {}): ScanSettings => ({
  sources: standIn.sources,
  limits: { ...DEFAULT_SCAN_LIMITS, requestTimeoutMs: 2000, ...limits },
  deadlineMs: 10_000,
});
/** A loopback port nothing listens on any more. */
const closedPort = async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};
const dirWith = (files: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), "skypanel-scan-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
};

describe("the vulnerability scan (stand-in advisory sources on loopback)", () => {
  let standIn: AdvisoryStandIn;
  beforeAll(async () => {
    standIn = await startAdvisoryStandIn({
      npm: { minimist: (await import("./advisories.testing.ts")).MINIMIST_ADVISORIES },
      pypi: {
        "Jinja2/2.10": [
          {
            id: "PYSEC-2019-217",
            aliases: ["CVE-2019-10906"],
            summary: "Jinja2 sandbox escape via str.format_map",
            link: "https://osv.dev/vulnerability/PYSEC-2019-217",
            fixed_in: ["2.10.1"],
          },
          { id: "PYSEC-2000-1", summary: "withdrawn", withdrawn: "2020-01-01T00:00:00Z" },
        ],
        "flask/3.0.0": [],
      },
      go: {
        modules: [
          {
            path: "golang.org/x/net",
            vulns: [
              { id: "GO-2023-1571", fixed: "0.7.0" },
              { id: "GO-2022-0001", fixed: "0.0.1" },
            ],
          },
        ],
        entries: {
          "GO-2023-1571": {
            id: "GO-2023-1571",
            summary: "Denial of service via crafted HTTP/2 stream in golang.org/x/net",
            affected: [
              { package: { name: "golang.org/x/net" }, ranges: [{ type: "SEMVER", events: [{ introduced: "0" }, { fixed: "0.7.0" }] }] },
            ],
          },
        },
      },
    });
  });
  afterAll(() => standIn.close());

  it("reports the vulnerable fixture's minimist@0.0.8: critical GHSA-xvch-5gv4-984h and the moderate one, fixed-in read off the range; ms is clean", async () => {
    const locked = lockedVersions(nodePlan, copyFixture("node-vulnerable-minimist"));
    const report = await lookUpVulnerabilities(locked, settings(standIn), new AbortController().signal);
    expect(standIn.requests.at(-1)).toMatchObject({ method: "POST", path: "/npm/bulk", body: { minimist: ["0.0.8"], ms: ["2.1.3"] } });
    expect(report.scans).toEqual([{ ecosystem: "npm", status: "findings", reason: null, lockfile: "package-lock.json", packages: 2 }]);
    expect(report.findings.map((f) => [f.package, f.version, f.advisoryId, f.severity, f.fixedIn])).toEqual([
      ["minimist", "0.0.8", "GHSA-xvch-5gv4-984h", "critical", "0.2.4"],
      ["minimist", "0.0.8", "GHSA-vh95-rmgr-6w4m", "moderate", "0.2.1"],
    ]);
    expect(report.findings[0]).toMatchObject({
      title: "Prototype Pollution in minimist",
      url: "https://github.com/advisories/GHSA-xvch-5gv4-984h",
    });
  });

  it("an advisory source that refuses, breaks, lies or floods makes npm 'not checked' with the reason; nothing throws", async () => {
    const locked = lockedVersions(nodePlan, copyFixture("node-vulnerable-minimist"));
    const outcomes: (string | null)[] = [];
    for (const answer of [
      { status: 405, body: "" },
      { status: 200, body: "<html>not json</html>" },
      { status: 200, body: "[1,2,3]" },
      { status: 200, body: JSON.stringify({ pad: "x".repeat(4096) }) },
    ]) {
      standIn.answer = () => answer;
      const report = await lookUpVulnerabilities(locked, settings(standIn, { maxResponseBytes: 2048 }), new AbortController().signal);
      expect(report.findings).toEqual([]);
      expect(report.scans[0]?.status).toBe("not_checked");
      outcomes.push(report.scans[0]?.reason ?? null);
    }
    standIn.answer = () => undefined;
    expect(outcomes[0]).toBe("npm's advisory endpoint answered HTTP 405 Method Not Allowed");
    expect(outcomes[1]).toMatch(/not JSON/);
    expect(outcomes[2]).toMatch(/something other than advisories/);
    expect(outcomes[3]).toMatch(/answered more than/);
    const port = await closedPort();
    const closed = await lookUpVulnerabilities(
      locked,
      { ...settings(standIn), sources: { ...standIn.sources, npmAdvisoriesUrl: `http://127.0.0.1:${port}/bulk` } },
      new AbortController().signal,
    );
    expect(closed.scans[0]).toMatchObject({ status: "not_checked", reason: `127.0.0.1:${port} could not be reached (ECONNREFUSED)` });
  });

  it("PyPI: pinned requirements looked up one by one; findings unrated with fixed-in; a package PyPI has no data for is named", async () => {
    const dir = dirWith({ "requirements.txt": "Jinja2==2.10\nflask==3.0.0\nprivate-pkg==1.0\ndjango>=4\n" });
    const locked = lockedVersions({ stack: "python", lockfiles: ["requirements.txt"] }, dir);
    const report = await lookUpVulnerabilities(locked, settings(standIn), new AbortController().signal);
    expect(report.findings).toEqual([
      {
        ecosystem: "PyPI",
        package: "Jinja2",
        version: "2.10",
        advisoryId: "PYSEC-2019-217",
        url: "https://osv.dev/vulnerability/PYSEC-2019-217",
        title: "Jinja2 sandbox escape via str.format_map",
        severity: null,
        fixedIn: "2.10.1",
      },
    ]);
    expect(report.scans[0]).toMatchObject({ ecosystem: "PyPI", status: "findings", lockfile: "requirements.txt", packages: 3 });
    expect(report.scans[0]?.reason).toBe(
      "1 entry was not checked (not a pinned registry package); 1 could not be looked up: private-pkg==1.0 (HTTP 404)",
    );
  });

  it("PyPI answering none of the first lookups: the rest are not asked, and Python is 'not checked' saying why", async () => {
    const names = Array.from({ length: 40 }, (_, i) => `private-${i}==1.0`);
    const locked = lockedVersions({ stack: "python", lockfiles: ["requirements.txt"] }, dirWith({ "requirements.txt": names.join("\n") }));
    const before = standIn.requests.length;
    const report = await lookUpVulnerabilities(locked, settings(standIn), new AbortController().signal);
    expect(report.scans[0]).toMatchObject({
      status: "not_checked",
      reason: expect.stringMatching(/^PyPI's vulnerability data could not be read for any package \(private-\d+==1\.0: HTTP 404\)$/),
      packages: 40,
    });
    // The first eight failures stop it; lookups already in flight (four at a time) still finish.
    expect(standIn.requests.length - before).toBeLessThanOrEqual(8 + DEFAULT_SCAN_LIMITS.concurrency);
  });

  it("Go: go.mod's modules against the database's index and entries; unreachable, it is 'not checked' saying so; other stacks say why", async () => {
    const dir = dirWith({ "go.mod": "module x\n\nrequire (\n\tgolang.org/x/net v0.5.0\n\tgolang.org/x/text v0.3.8\n)\n" });
    const report = await lookUpVulnerabilities(
      lockedVersions({ stack: "go", lockfiles: [] }, dir),
      settings(standIn),
      new AbortController().signal,
    );
    expect(report.findings.map((f) => [f.package, f.version, f.advisoryId, f.severity, f.fixedIn])).toEqual([
      ["golang.org/x/net", "v0.5.0", "GO-2023-1571", null, "v0.7.0"],
    ]);
    const unreachable = await lookUpVulnerabilities(
      lockedVersions({ stack: "go", lockfiles: [] }, dir),
      { ...settings(standIn), sources: { ...standIn.sources, goVulnDbUrl: `http://127.0.0.1:${await closedPort()}` } },
      new AbortController().signal,
    );
    expect(unreachable.scans[0]).toMatchObject({
      status: "not_checked",
      reason: expect.stringMatching(
        /^the Go vulnerability database is not reachable from this machine \(127\.0\.0\.1:\d+ could not be reached \(ECONNREFUSED\)\)$/,
      ),
    });
    // A database that answers wrong is asked once; later scans reuse the reason for a while.
    const down = { ...settings(standIn), sources: { ...standIn.sources, goVulnDbUrl: `${standIn.sources.goVulnDbUrl}-down` } };
    const asked = () => standIn.requests.filter((r) => r.path.startsWith("/go-down/")).length;
    for (let i = 0; i < 3; i++) {
      const report = await lookUpVulnerabilities(lockedVersions({ stack: "go", lockfiles: [] }, dir), down, new AbortController().signal);
      expect(report.scans[0]?.reason).toBe("the Go vulnerability database is not reachable from this machine (HTTP 404)");
    }
    expect(asked()).toBe(1);
    const ruby = await lookUpVulnerabilities(
      lockedVersions({ stack: "ruby", lockfiles: [] }, dir),
      settings(standIn),
      new AbortController().signal,
    );
    expect(ruby.scans).toEqual([
      {
        ecosystem: "other",
        status: "not_checked",
        reason: "vulnerability scanning covers Node.js, Python and Go dependencies; a ruby app's are not checked",
        lockfile: null,
        packages: 0,
      },
    ]);
  });
});
