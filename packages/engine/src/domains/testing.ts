// Helpers for the domain tests: Debian pebble's mock DNS server (pebble-challtestsrv), whose
// records a test sets through its management API, and pebble itself, an ACME test CA; both on
// free loopback ports.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../process/free-port.ts";

export interface MockDns {
  /** `127.0.0.1:<port>`: what a resolver (or pebble's `-dnsserver`) asks. */
  server: string;
  /** `host` answers CNAME queries with `target`. */
  setCname(host: string, target: string): Promise<void>;
  /** `host` answers A queries with these addresses. */
  addA(host: string, addresses: string[]): Promise<void>;
  /** `host` answers AAAA queries with these addresses. */
  addAAAA(host: string, addresses: string[]): Promise<void>;
  /** Forgets `host`'s records of each kind. */
  clear(host: string): Promise<void>;
  stop(): Promise<void>;
}

/** Waits until `port` on 127.0.0.1 accepts connections, or `child` exits. */
async function listening(child: ChildProcess, port: number, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} before listening`);
    // Plain HTTP to a TLS port still connects (and fails later): connecting is all this waits for.
    const ok = await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      (err: Error & { cause?: { code?: string } }) => err.cause?.code !== "ECONNREFUSED",
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port}`);
}

/** Kills a child we started, by its pid, and waits for it to go. */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(child.pid, "SIGKILL");
  await exited;
}

/**
 * pebble-challtestsrv answering only what a test sets (no default A/AAAA), on loopback. `httpChallenges`
 * is irrelevant here: Caddy itself answers pebble's HTTP-01 challenges.
 */
export async function startMockDns(): Promise<MockDns> {
  const [dnsPort, managementPort] = [await freePort(), await freePort()];
  const child = spawn(
    "pebble-challtestsrv",
    [
      ...["-defaultIPv4", "", "-defaultIPv6", ""],
      ...["-dns01", `127.0.0.1:${dnsPort}`, "-management", `127.0.0.1:${managementPort}`],
      ...["-http01", "", "-https01", "", "-tlsalpn01", ""],
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-4000);
  });
  await listening(child, managementPort, "pebble-challtestsrv").catch((err: Error) => {
    throw new Error(`${err.message}: ${stderr}`);
  });
  const manage = async (path: string, body: Record<string, unknown>) => {
    const res = await fetch(`http://127.0.0.1:${managementPort}${path}`, { method: "POST", body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`pebble-challtestsrv ${path}: ${res.status} ${await res.text()}`);
  };
  return {
    server: `127.0.0.1:${dnsPort}`,
    setCname: (host, target) => manage("/set-cname", { host, target }),
    addA: (host, addresses) => manage("/add-a", { host, addresses }),
    addAAAA: (host, addresses) => manage("/add-aaaa", { host, addresses }),
    async clear(host) {
      await manage("/clear-cname", { host });
      await manage("/clear-a", { host });
      await manage("/clear-aaaa", { host });
    },
    stop: () => killChild(child),
  };
}

export interface TestAcmeCa {
  /** The ACME directory URL, `https://127.0.0.1:<port>/dir`. */
  directory: string;
  /** PEM file of the certificate pebble's own HTTPS presents (self-signed), for the ACME client to trust. */
  listenerCertFile: string;
  /** PEM of the root that signs the certificates pebble issues (new at each start). */
  issuingRoot(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * pebble on loopback: it validates HTTP-01 challenges by connecting to `httpPort` at the address
 * `dnsServer` gives for the domain. Its HTTPS listener gets a throwaway self-signed certificate.
 */
export async function startAcmeCa(options: { dnsServer: string; httpPort: number }): Promise<TestAcmeCa> {
  const dir = mkdtempSync(join(tmpdir(), "skp-pebble-"));
  const certFile = join(dir, "listener.pem");
  const keyFile = join(dir, "listener-key.pem");
  const openssl = spawnSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"],
      ...["-keyout", keyFile, "-out", certFile, "-subj", "/CN=pebble", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
    ],
    { encoding: "utf8" },
  );
  if (openssl.status !== 0) throw new Error(`openssl could not make pebble's certificate: ${openssl.stderr}`);
  const [acmePort, managementPort] = [await freePort(), await freePort()];
  const config = join(dir, "pebble.json");
  writeFileSync(
    config,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${managementPort}`,
        certificate: certFile,
        privateKey: keyFile,
        httpPort: options.httpPort,
        tlsPort: await freePort(),
        ocspResponderURL: "",
        externalAccountBindingRequired: false,
      },
    }),
  );
  const child = spawn("pebble", ["-config", config, "-dnsserver", options.dnsServer], {
    // No random sleeps before validation; no nonces refused at random (Caddy would retry, slowly).
    env: { ...process.env, PEBBLE_VA_NOSLEEP: "1", PEBBLE_WFE_NONCEREJECT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-8000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  await listening(child, acmePort, "pebble").catch((err: Error) => {
    throw new Error(`${err.message}: ${output}`);
  });
  const listenerCert = readFileSync(certFile, "utf8");
  return {
    directory: `https://127.0.0.1:${acmePort}/dir`,
    listenerCertFile: certFile,
    issuingRoot: () =>
      new Promise((resolve, reject) => {
        get(`https://127.0.0.1:${managementPort}/roots/0`, { ca: listenerCert }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            body += chunk;
          });
          res.on("end", () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`pebble /roots/0: ${res.statusCode}`))));
        }).on("error", reject);
      }),
    async stop() {
      await killChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
