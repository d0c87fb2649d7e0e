// Helpers for the drain tests: certificates made with Debian's openssl, and real receivers on
// loopback: a syslog server over TLS reading octet-counted frames, an HTTPS server taking NDJSON.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";

export interface TestCertificates {
  dir: string;
  /** The CA that signed `key`/`cert` (what SKYPANEL_DRAIN_CA_FILE names). */
  caFile: string;
  key: string;
  cert: string;
  /** A self-signed certificate no one trusts. */
  untrusted: { key: string; cert: string };
  remove(): void;
}

/** A CA, a server certificate it signed for 127.0.0.1 and localhost, and a stranger's self-signed one. */
export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "skypanel-drain-certs-"));
  const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const subj = (cn: string) => ["-subj", `/CN=${cn}`];
  ssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    ...subj("SkyPanel test drain CA"),
  );
  ssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", ...subj("localhost"));
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n");
  ssl(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "san.ext",
    "-out",
    "server.pem",
  );
  ssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-keyout",
    "stranger.key",
    "-out",
    "stranger.pem",
    ...subj("localhost"),
    "-addext",
    "subjectAltName=IP:127.0.0.1",
  );
  const read = (f: string) => readFileSync(join(dir, f), "utf8");
  return {
    dir,
    caFile: join(dir, "ca.pem"),
    key: read("server.key"),
    cert: read("server.pem"),
    untrusted: { key: read("stranger.key"), cert: read("stranger.pem") },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface SyslogReceiver {
  port: number;
  /** Every message received, in order, without its octet count. */
  messages: string[];
  /** TLS connections set up (handshakes that succeeded). */
  connections(): number;
  /** Closes every open connection (the server keeps listening). */
  dropConnections(): Promise<void>;
  close(): Promise<void>;
}

/** Parses RFC 6587 octet-counted frames (`LEN SP MSG`) as they come, across reads. */
function frameReader(onMessage: (m: string) => void) {
  let buf = Buffer.alloc(0);
  return (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      const space = buf.indexOf(0x20);
      if (space < 0) return;
      const len = Number(buf.subarray(0, space).toString("ascii"));
      if (!Number.isInteger(len) || len < 1) throw new Error(`bad frame length "${buf.subarray(0, space).toString("ascii")}"`);
      if (buf.length < space + 1 + len) return;
      onMessage(buf.subarray(space + 1, space + 1 + len).toString("utf8"));
      buf = buf.subarray(space + 1 + len);
    }
  };
}

export async function startSyslogReceiver(tlsFiles: { key: string; cert: string }): Promise<SyslogReceiver> {
  const messages: string[] = [];
  const open = new Set<TLSSocket>();
  let connections = 0;
  const server = createTlsServer(tlsFiles, (socket) => {
    connections++;
    open.add(socket);
    const read = frameReader((m) => messages.push(m));
    socket.on("data", (chunk: Buffer) => {
      try {
        read(chunk);
      } catch (err) {
        messages.push(`FRAMING ERROR: ${(err as Error).message}`);
        socket.destroy();
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => open.delete(socket));
  });
  // A client refusing the certificate makes the handshake fail here too.
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    messages,
    connections: () => connections,
    async dropConnections() {
      await Promise.all(
        [...open].map(
          (s) =>
            new Promise<void>((resolve) => {
              s.once("close", () => resolve());
              s.destroy();
            }),
        ),
      );
    },
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface NdjsonRequest {
  path: string;
  contentType: string | undefined;
  lines: Record<string, unknown>[];
}

export interface HttpsReceiver {
  url: string;
  /** Requests answered 2xx, in order of arrival. */
  accepted: NdjsonRequest[];
  /** Every request, answered or refused. */
  requests(): number;
  close(): Promise<void>;
}

/** An HTTPS NDJSON receiver; `answer(n)` gives the status of the n-th request (1-based). */
export async function startHttpsReceiver(
  tlsFiles: { key: string; cert: string },
  answer: (n: number) => number = () => 200,
): Promise<HttpsReceiver> {
  const accepted: NdjsonRequest[] = [];
  let requests = 0;
  const server = createHttpsServer(tlsFiles, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests++;
      const status = answer(requests);
      if (status >= 200 && status < 300) {
        const text = Buffer.concat(chunks).toString("utf8");
        accepted.push({
          path: req.url ?? "",
          contentType: req.headers["content-type"],
          lines: text
            .split("\n")
            .filter((l) => l !== "")
            .map((l) => JSON.parse(l) as Record<string, unknown>),
        });
      }
      res.writeHead(status, { "content-type": "text/plain" }).end(status >= 300 ? `receiver refused (${status})` : "ok");
    });
  });
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    accepted,
    requests: () => requests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `check` until it holds (deadline `ms`); the assertions then follow on what it saw. */
export async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
