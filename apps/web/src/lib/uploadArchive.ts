import { CSRF_COOKIE, readCookie } from "./trpc.ts";

/** What POST /api/apps/:app/builds answers when it accepts an archive. */
export interface QueuedBuild {
  id: string;
  number: number;
  status: string;
}

export class UploadError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export type UploadArchive = (
  app: string,
  file: File,
  opts: { onProgress?: (loaded: number, total: number) => void; signal?: AbortSignal },
) => Promise<QueuedBuild>;

export const ARCHIVE_EXTENSIONS = [".tar.gz", ".tgz", ".zip"] as const;

/** Why this file cannot be a source archive, or null when it may be. The server checks again. */
export function archiveProblem(file: { name: string; size: number }): string | null {
  const name = file.name.toLowerCase();
  if (!ARCHIVE_EXTENSIONS.some((ext) => name.endsWith(ext))) {
    return `"${file.name}" is not a .tar.gz, .tgz or .zip archive.`;
  }
  if (file.size === 0) return `"${file.name}" is empty.`;
  return null;
}

/**
 * Uploads a source archive through the REST face, reporting progress. XMLHttpRequest, because
 * fetch has no upload progress events. Same-origin, so the session cookie goes with it (as with
 * credentials: "same-origin"), and the CSRF token is echoed in x-csrf-token.
 */
export const uploadArchive: UploadArchive = (app, file, { onProgress, signal }) =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/apps/${encodeURIComponent(app)}/builds`);
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) xhr.setRequestHeader("x-csrf-token", csrf);
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded, e.total);
    });
    xhr.addEventListener("load", () => {
      const body = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300 && isQueuedBuild(body)) return resolve(body);
      reject(new UploadError(serverMessage(body) ?? `The upload failed (HTTP ${xhr.status}).`, xhr.status));
    });
    xhr.addEventListener("error", () => reject(new UploadError("The upload was interrupted; check the connection and try again.", 0)));
    xhr.addEventListener("abort", () => reject(new UploadError("The upload was cancelled.", 0)));
    signal?.addEventListener("abort", () => xhr.abort());
    const form = new FormData();
    form.append("archive", file, file.name);
    xhr.send(form);
  });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isQueuedBuild(body: unknown): body is QueuedBuild {
  return typeof body === "object" && body !== null && typeof (body as QueuedBuild).id === "string";
}

/** The message of the platform's error shape `{error: {code, message}}`. */
function serverMessage(body: unknown): string | null {
  const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof message === "string" ? message : null;
}
