// A stand-in for the advisory sources, on loopback, for tests: the machines these tests run on
// reach the npm registry only for reads (its bulk advisory endpoint answers 405 to a POST), PyPI's
// per-version JSON not at all, and vuln.go.dev not at all. The npm answer is the registry's, as
// recorded for minimist 0.0.8 (CVE-2021-44906 and CVE-2020-7598); tests may add their own.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { VulnerabilitySources } from "./scan.ts";

export const MINIMIST_ADVISORIES = [
  {
    id: 1097677,
    url: "https://github.com/advisories/GHSA-xvch-5gv4-984h",
    title: "Prototype Pollution in minimist",
    severity: "critical",
    vulnerable_versions: "<0.2.4",
    cwe: ["CWE-1321"],
    cvss: { score: 9.8, vectorString: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" },
  },
  {
    id: 1096466,
    url: "https://github.com/advisories/GHSA-vh95-rmgr-6w4m",
    title: "Prototype Pollution in minimist",
    severity: "moderate",
    vulnerable_versions: "<0.2.1",
    cwe: ["CWE-1321"],
    cvss: { score: 5.6, vectorString: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:L" },
  },
];

export interface AdvisoryStandIn {
  sources: VulnerabilitySources;
  /** Each request's method, path and (for POST) parsed body, in order. */
  requests: { method: string; path: string; body: unknown }[];
  /** Replaces how a path is answered (status, body); default: the recorded data below. */
  answer: (req: { method: string; path: string; body: unknown }) => { status: number; body: string } | undefined;
  close(): Promise<void>;
}

export interface StandInData {
  npm?: Record<string, unknown[]>;
  /** "<name>/<version>" → the JSON API's `vulnerabilities`. */
  pypi?: Record<string, unknown[]>;
  /** modules.json, and ID/<id>.json by id; absent: the Go database answers 404 (unreachable). */
  go?: { modules: unknown[]; entries: Record<string, unknown> };
}

export async function startAdvisoryStandIn(data: StandInData = { npm: { minimist: MINIMIST_ADVISORIES } }): Promise<AdvisoryStandIn> {
  const requests: AdvisoryStandIn["requests"] = [];
  const standIn: Partial<AdvisoryStandIn> = { requests, answer: () => undefined };
  const defaultAnswer = (method: string, path: string, body: unknown): { status: number; body: string } => {
    if (method === "POST" && path === "/npm/bulk") {
      const asked = (body ?? {}) as Record<string, string[]>;
      const answer = Object.fromEntries(Object.keys(asked).flatMap((n) => (data.npm?.[n] ? [[n, data.npm[n]]] : [])));
      return { status: 200, body: JSON.stringify(answer) };
    }
    const pypi = /^\/pypi\/([^/]+)\/([^/]+)\/json$/.exec(path);
    if (pypi) {
      const vulns = data.pypi?.[`${decodeURIComponent(pypi[1] ?? "")}/${decodeURIComponent(pypi[2] ?? "")}`];
      return vulns ? { status: 200, body: JSON.stringify({ info: {}, vulnerabilities: vulns }) } : { status: 404, body: "" };
    }
    if (data.go && path === "/go/index/db.json") return { status: 200, body: JSON.stringify({ modified: "2026-12-01T00:00:00Z" }) };
    if (data.go && path === "/go/index/modules.json") return { status: 200, body: JSON.stringify(data.go.modules) };
    const id = /^\/go\/ID\/(GO-[\d-]+)\.json$/.exec(path);
    if (data.go && id && data.go.entries[id[1] ?? ""]) return { status: 200, body: JSON.stringify(data.go.entries[id[1] ?? ""]) };
    return { status: 404, body: "" };
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      const r = { method: req.method ?? "GET", path: req.url ?? "/", body };
      requests.push(r);
      const out = standIn.answer?.(r) ?? defaultAnswer(r.method, r.path, r.body);
      res.writeHead(out.status, { "content-type": "application/json" }).end(out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(standIn, {
    sources: { npmAdvisoriesUrl: `${base}/npm/bulk`, pypiJsonUrl: `${base}/pypi`, goVulnDbUrl: `${base}/go` },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as AdvisoryStandIn;
}
