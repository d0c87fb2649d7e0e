// Real receivers on loopback for the alerts' tests: an HTTP server that keeps every POST (and says
// whether a webhook's signature checks out), and an SMTP server (npm's smtp-server) that keeps
// every message it is sent.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from "./signature.ts";

export interface ReceivedPost {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: unknown;
  /** Whether the signature verifies with the receiver's secret (false without one). */
  signed: boolean;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedPost[];
  /** The status answered from now on (200 by default). */
  answer(status: number): void;
  /** The secret signatures are checked with (set once the channel is made). */
  secret: string;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  let status = 200;
  const received: ReceivedPost[] = [];
  const receiver = { secret: "" } as WebhookReceiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const header = (name: string) => req.headers[name.toLowerCase()] as string | undefined;
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {}
      received.push({
        headers: req.headers,
        body,
        json,
        signed:
          receiver.secret !== "" &&
          verifySignature(receiver.secret, body, { signature: header(SIGNATURE_HEADER), timestamp: header(TIMESTAMP_HEADER) }),
      });
      res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "refused");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks/alerts`,
    received,
    answer: (s: number) => {
      status = s;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  subject: string;
  /** The text body, quoted-printable decoded. */
  text: string;
}

export interface SmtpReceiver {
  url: string;
  received: ReceivedMail[];
  close(): Promise<void>;
}

/** A real SMTP server on loopback that accepts any sender and recipient, without TLS or login. */
export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push(parseMail(Buffer.concat(chunks).toString("utf8"), session));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = (server.server as unknown as { address(): AddressInfo }).address();
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function parseMail(raw: string, session: { envelope: { mailFrom: false | { address: string }; rcptTo: { address: string }[] } }) {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, "im").exec(head)?.[1] ?? "";
  const encoding = header("Content-Transfer-Encoding").toLowerCase();
  const text =
    encoding === "quoted-printable"
      ? Buffer.from(
          body.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
          "latin1",
        ).toString("utf8")
      : encoding === "base64"
        ? Buffer.from(body, "base64").toString("utf8")
        : body;
  return {
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
    to: session.envelope.rcptTo.map((r) => r.address),
    raw,
    subject: decodeSubject(header("Subject")),
    text,
  };
}

/** "=?UTF-8?Q?…?=" words, as nodemailer writes a subject that is not plain ASCII. */
function decodeSubject(subject: string): string {
  return subject.replace(/=\?utf-8\?([QB])\?(.*?)\?=\s*/gi, (_, kind: string, data: string) =>
    kind.toUpperCase() === "B"
      ? Buffer.from(data, "base64").toString("utf8")
      : Buffer.from(
          data.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
          "latin1",
        ).toString("utf8"),
  );
}
