// Test helpers: run `main()` in-process with captured output, and a stub HTTP server that
// records what reached it (for the cases where nothing may be sent, and for output shapes).
import { createServer, type IncomingMessage, type Server } from "node:http";
import { Readable, Writable } from "node:stream";
import { main } from "../main.js";

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(tty: boolean) {
  let text = "";
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += chunk.toString();
      done();
    },
  }) as Writable & { isTTY?: boolean; columns?: number; rows?: number };
  if (tty) Object.assign(stream, { isTTY: true, columns: 120, rows: 40 });
  return { stream, text: () => text };
}

/**
 * Runs `skypanel …argv` in this process; `tty` makes stdout (and stderr) look like a terminal.
 * stdin is `stdin`'s text, or `stdinStream` as given (e.g. one that says it is a terminal).
 */
export async function runCli(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; tty?: boolean; cwd?: string; stdin?: string; stdinStream?: NodeJS.ReadStream } = {},
): Promise<Captured> {
  const out = sink(Boolean(options.tty));
  const err = sink(Boolean(options.tty));
  const code = await main(argv, {
    env: options.env ?? {},
    stdout: out.stream as unknown as NodeJS.WriteStream,
    stderr: err.stream as unknown as NodeJS.WriteStream,
    stdin:
      options.stdinStream ??
      (Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]) as unknown as NodeJS.ReadStream),
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, stdout: out.text(), stderr: err.text() };
}

export interface Stub {
  url: string;
  requests: { method: string; url: string; body: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

/** A recording HTTP stub, not the platform: answers each request with `answer(req)` (JSON). */
export async function stubServer(answer: (req: IncomingMessage, body: string) => { status?: number; body: unknown }): Promise<Stub> {
  const requests: Stub["requests"] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", body, authorization: req.headers.authorization });
      const { status = 200, body: json } = answer(req, body);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(json));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
