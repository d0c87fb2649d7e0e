// @ts-check
// Uploads a source archive as the multipart field `archive`, streamed from disk with a known
// length (node:http rather than fetch, so the bytes sent can drive a progress bar).
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { unreachable } from "./api.js";
import { ApiError } from "./errors.js";

/**
 * @param {import("./api.js").Api} api
 * @param {string} path       API path, e.g. /apps/x/builds
 * @param {{ file: string, bytes: number }} archive
 * @param {(sent: number, total: number) => void} [onProgress]
 * @returns {Promise<any>} the API's JSON answer
 */
export async function uploadArchive(api, path, archive, onProgress) {
  const url = api.url(path);
  const boundary = `skypanel-${randomBytes(12).toString("hex")}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="archive"; filename="source.tar.gz"\r\nContent-Type: application/gzip\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const total = head.length + archive.bytes + tail.length;
  const { request } = url.protocol === "https:" ? await import("node:https") : await import("node:http");
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      headers: api.headers({ "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(total) }),
    });
    req.on("error", (err) => reject(unreachable(api.baseUrl, { cause: err })));
    req.on("response", (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve(text ? JSON.parse(text) : null);
        let message = text.slice(0, 500) || `HTTP ${status}`;
        let code = `HTTP_${status}`;
        try {
          ({ message, code } = JSON.parse(text).error);
        } catch {
          // Not the API's error shape; keep the text.
        }
        reject(new ApiError(message, status, code));
      });
    });
    let sent = 0;
    const progress = (/** @type {number} */ n) => {
      sent += n;
      onProgress?.(sent, total);
    };
    req.write(head);
    progress(head.length);
    const file = createReadStream(archive.file);
    file.on("data", (chunk) => {
      progress(chunk.length);
      if (!req.write(chunk)) {
        file.pause();
        req.once("drain", () => file.resume());
      }
    });
    file.on("error", reject);
    file.on("end", () => {
      req.end(tail);
      progress(tail.length);
    });
  });
}
