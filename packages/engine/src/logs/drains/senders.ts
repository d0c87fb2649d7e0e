// How a batch of lines reaches a drain: over one kept TLS connection to a syslog server (made
// again after it drops), or as one NDJSON POST over HTTPS. A send resolves once the lines are
// handed over, and rejects (so the batch is retried) on any failure, a certificate refused included.
import { Agent, request } from "node:https";
import { isIP } from "node:net";
import { connect, type TLSSocket } from "node:tls";
import { checkOutbound, guardedLookup, type OutboundPolicy, type OutboundTarget, parseAddress } from "../../net/index.ts";
import type { DrainLine } from "./format.ts";
import { ndjsonLine, octetCounted, syslogMessage } from "./format.ts";
import { type DrainTarget, redactDrainUrl } from "./url.ts";

export interface DrainSender {
  send(lines: DrainLine[]): Promise<void>;
  /** Whether a syslog connection is open now (null: HTTPS, which connects per request). */
  connected(): boolean | null;
  close(): void;
}

export interface SenderOptions {
  /** The certificates trusted: Node's defaults plus the operator's CA file. */
  ca: string[];
  /** Connecting, a write or a request taking longer fails (and is retried). */
  timeoutMs: number;
  /** The HOSTNAME of syslog messages: this control plane. */
  hostname: string;
  /** Where a drain may connect: each connection's address is checked as it is made. */
  outbound: OutboundPolicy;
}

/**
 * Checks an address written in the URL (names are checked by the connection's own lookup, which
 * Node skips for addresses), so a refused one is never connected to.
 */
async function checkLiteral(target: DrainTarget, o: SenderOptions, guard: OutboundTarget): Promise<void> {
  if (parseAddress(target.host)) await checkOutbound(o.outbound, guard, target.host);
}

function guardOf(target: DrainTarget): OutboundTarget {
  return { what: "log drain", shown: redactDrainUrl(target.url) };
}

export function createSender(target: DrainTarget, o: SenderOptions): DrainSender {
  return target.kind === "syslog-tls" ? syslogSender(target, o) : httpsSender(target, o);
}

function syslogSender(target: DrainTarget, o: SenderOptions): DrainSender {
  let socket: TLSSocket | null = null;
  // The connection being made, so close() can end it too.
  let opening: TLSSocket | null = null;

  const guard = guardOf(target);

  async function open(): Promise<TLSSocket> {
    await checkLiteral(target, o, guard);
    return new Promise((resolve, reject) => {
      const s = connect({
        host: target.host,
        port: target.port,
        ca: o.ca,
        lookup: guardedLookup(o.outbound, guard),
        // SNI takes names only; the certificate is checked against the host either way.
        ...(isIP(target.host) ? {} : { servername: target.host }),
      });
      opening = s;
      const timer = setTimeout(
        () => s.destroy(new Error(`no TLS connection to ${target.host}:${target.port} within ${o.timeoutMs} ms`)),
        o.timeoutMs,
      );
      s.once("secureConnect", () => {
        clearTimeout(timer);
        opening = null;
        resolve(s);
      });
      // Kept for the socket's life: an error after connecting only closes it; the next send reconnects.
      s.on("error", (err) => {
        clearTimeout(timer);
        if (opening === s) opening = null;
        reject(err);
      });
      s.on("close", () => {
        clearTimeout(timer);
        if (socket === s) socket = null;
        if (opening === s) opening = null;
        reject(new Error(`the connection to ${target.host}:${target.port} closed before TLS was set up`));
      });
      // Receivers do not answer (RFC 5425); anything they send is read and dropped.
      s.on("data", () => {});
    });
  }

  return {
    async send(lines) {
      if (!socket || socket.destroyed || !socket.writable) {
        socket?.destroy();
        socket = await open();
      }
      const s = socket;
      const data = lines.map((l) => octetCounted(syslogMessage(l, o.hostname))).join("");
      await new Promise<void>((resolve, reject) => {
        // A receiver that stops reading fills the buffers; the write then times out and the batch is retried.
        const timer = setTimeout(() => {
          s.destroy();
          reject(new Error(`the syslog server did not take the lines within ${o.timeoutMs} ms`));
        }, o.timeoutMs);
        s.write(data, (err) => {
          clearTimeout(timer);
          if (err) {
            s.destroy();
            reject(err);
          } else resolve();
        });
      });
    },
    connected: () => Boolean(socket && !socket.destroyed && socket.writable),
    close() {
      opening?.destroy();
      socket?.destroy();
      socket = null;
    },
  };
}

const MAX_ERROR_BODY = 200;
const MAX_ANSWER = 64 * 1024;

function httpsSender(target: DrainTarget, o: SenderOptions): DrainSender {
  const guard = guardOf(target);
  // Every connection the agent makes (kept alive, or made again) goes through the guarded lookup.
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: o.ca, lookup: guardedLookup(o.outbound, guard) });
  const url = new URL(target.url);
  return {
    async send(lines) {
      await checkLiteral(target, o, guard);
      const body = Buffer.from(lines.map(ndjsonLine).join(""), "utf8");
      return new Promise<void>((resolve, reject) => {
        // A user and password in the URL go as Basic auth (Node sends them from the URL).
        const req = request(url, {
          method: "POST",
          agent,
          timeout: o.timeoutMs,
          headers: {
            "content-type": "application/x-ndjson",
            "content-length": body.length,
            "user-agent": "SkyPanel-Log-Drain/1",
            "logplex-msg-count": lines.length,
          },
        });
        req.on("timeout", () => req.destroy(new Error(`the drain did not answer within ${o.timeoutMs} ms`)));
        req.on("error", reject);
        req.on("response", (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            if (size < MAX_ERROR_BODY) chunks.push(c);
            size += c.length;
            // Only the start is ever shown; a drain that keeps talking is cut off.
            if (size > MAX_ANSWER) res.destroy(new Error(`the drain answered with more than ${MAX_ANSWER} bytes`));
          });
          res.on("error", reject);
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) return resolve();
            // Only the answer's start, with nothing but printable characters: it is shown to users.
            const text = Buffer.concat(chunks)
              .toString("utf8")
              .slice(0, MAX_ERROR_BODY)
              .replace(/[^\x20-\x7e]+/g, " ")
              .trim();
            reject(new Error(`the drain answered HTTP ${status}${text ? `: ${text}` : ""}`));
          });
        });
        req.end(body);
      });
    },
    connected: () => null,
    close: () => agent.destroy(),
  };
}
