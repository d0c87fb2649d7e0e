import { randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync, rmSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { TRPCError } from "@trpc/server";
import busboy from "busboy";
import { toTRPCError } from "../errors.ts";

/** A failed write of the upload: a full disk says so (a 503), anything else is internal. */
function writeError(err: Error): TRPCError {
  const mapped = toTRPCError(err);
  return mapped instanceof TRPCError ? mapped : new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: err.message, cause: err });
}

export interface ReceivedFile {
  path: string;
  filename: string;
  bytes: number;
  /** The form's text fields (at most 10, each at most 4 KiB), by name. */
  fields: Record<string, string>;
}

/**
 * Streams the multipart field `field` of the request to a file in `dir` (on the same disk as
 * the builds, so it can be moved, not copied), stopping at `maxBytes` with a 413.
 */
export function receiveUpload(req: Request, dir: string, field: string, maxBytes: number): Promise<ReceivedFile> {
  const contentType = req.headers.get("content-type") ?? "";
  if (!contentType.startsWith("multipart/form-data")) {
    throw new TRPCError({ code: "BAD_REQUEST", message: `Upload the archive as multipart/form-data in a field named "${field}".` });
  }
  if (!req.body) throw new TRPCError({ code: "BAD_REQUEST", message: "The upload is empty." });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `incoming-${randomUUID()}`);
  return new Promise<ReceivedFile>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { "content-type": contentType },
        limits: { files: 1, fileSize: maxBytes, fields: 10, parts: 20, fieldSize: 4096 },
      });
    } catch (err) {
      return reject(new TRPCError({ code: "BAD_REQUEST", message: `Cannot read the upload: ${(err as Error).message}` }));
    }
    let received: ReceivedFile | null = null;
    let failed: TRPCError | null = null;
    let writing: Promise<void> | null = null;
    let out: WriteStream | null = null;
    let settled = false;
    const fields: Record<string, string> = Object.create(null);
    const fail = (err: TRPCError) => {
      failed ??= err;
    };
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated)
        fail(new TRPCError({ code: "BAD_REQUEST", message: `The form field "${name.slice(0, 64)}" is longer than 4 KiB.` }));
      else fields[name] = value;
    });
    parser.on("file", (name, stream, info) => {
      if (name !== field || received) {
        stream.resume();
        return;
      }
      const file = createWriteStream(path, { mode: 0o600 });
      out = file;
      let bytes = 0;
      stream.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
      });
      stream.on("limit", () =>
        fail(
          new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: `The archive is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB.` }),
        ),
      );
      writing = new Promise((done, error) => {
        file.on("finish", done);
        file.on("error", error);
      });
      // A failed write (a full disk) is answered in settle(); until then it must not go unhandled
      // (that ends the process), and the rest of the upload is drained so the parser closes.
      writing.catch(() => stream.resume());
      stream.pipe(file);
      received = { path, filename: (info.filename || "upload").replace(/[^\w.@+-]/g, "_").slice(0, 200), bytes: 0, fields };
      stream.on("end", () => {
        if (received) received.bytes = bytes;
      });
    });
    /** Answers once: after the parser's close (the file written), or at once when the upload cannot be read. */
    const settle = async (fileDone: boolean) => {
      if (settled) return;
      settled = true;
      if (fileDone) await writing?.catch((err: Error) => fail(writeError(err)));
      else out?.destroy();
      if (!failed && !received) fail(new TRPCError({ code: "BAD_REQUEST", message: `The upload has no file field named "${field}".` }));
      if (failed) {
        rmSync(path, { force: true });
        return reject(failed);
      }
      resolve(received as unknown as ReceivedFile);
    };
    const body = Readable.fromWeb(req.body as unknown as WebReadableStream<Uint8Array>);
    parser.on("close", () => void settle(true));
    // A malformed upload errors the parser, which then never closes (busboy 1.6, fed by a pipe).
    parser.on("error", (err: Error) => {
      fail(new TRPCError({ code: "BAD_REQUEST", message: `Cannot read the upload: ${err.message}` }));
      body.unpipe(parser);
      void settle(false);
    });
    body.on("error", (err) => {
      fail(new TRPCError({ code: "BAD_REQUEST", message: `The upload was interrupted: ${err.message}` }));
      parser.destroy();
      void settle(false);
    });
    body.pipe(parser);
  });
}
