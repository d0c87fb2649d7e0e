// Reads a CGI response (RFC 3875): a header block with an optional `Status:` line, an empty
// line, then the body, which is handed on as a stream without being buffered.
import { PassThrough, type Readable } from "node:stream";

export interface CgiResponse {
  status: number;
  headers: Record<string, string>;
  body: Readable;
}

const MAX_HEAD = 64 * 1024;

export class CgiProtocolError extends Error {}

export function readCgiResponse(out: Readable): Promise<CgiResponse> {
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const cleanup = () => {
      out.off("data", onData);
      out.off("end", onEnd);
      out.off("error", onError);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onEnd = () => {
      cleanup();
      reject(new CgiProtocolError("the CGI program ended before its headers were complete"));
    };
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = headerEnd(head);
      if (end === null) {
        if (head.length > MAX_HEAD) onError(new CgiProtocolError("the CGI header block is too long"));
        return;
      }
      cleanup();
      let parsed: Omit<CgiResponse, "body">;
      try {
        parsed = parseHead(head.subarray(0, end.at).toString("latin1"));
      } catch (err) {
        return reject(err);
      }
      const body = new PassThrough();
      const rest = head.subarray(end.at + end.length);
      if (rest.length > 0) body.write(rest);
      out.on("error", (err) => body.destroy(err));
      out.pipe(body);
      resolve({ ...parsed, body });
    };
    out.on("data", onData);
    out.on("end", onEnd);
    out.on("error", onError);
  });
}

function headerEnd(buf: Buffer): { at: number; length: number } | null {
  const crlf = buf.indexOf("\r\n\r\n");
  const lf = buf.indexOf("\n\n");
  if (crlf === -1 && lf === -1) return null;
  if (lf === -1 || (crlf !== -1 && crlf < lf)) return { at: crlf, length: 4 };
  return { at: lf, length: 2 };
}

export function parseHead(text: string): Omit<CgiResponse, "body"> {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new CgiProtocolError(`malformed CGI header line ${JSON.stringify(line.slice(0, 100))}`);
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === "status") {
      const code = Number.parseInt(value, 10);
      if (!(code >= 100 && code <= 599)) throw new CgiProtocolError(`malformed CGI status ${JSON.stringify(value)}`);
      status = code;
      continue;
    }
    const key = name.toLowerCase();
    headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
  }
  return { status, headers };
}
