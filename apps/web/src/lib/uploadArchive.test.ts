import { afterEach, describe, expect, it, vi } from "vitest";
import { CSRF_COOKIE } from "./trpc.ts";
import { archiveProblem, UploadError, uploadArchive } from "./uploadArchive.ts";

// The browser's XMLHttpRequest, played by a fake that records the request and answers as the BFF would.
class FakeXhr extends EventTarget {
  static last: FakeXhr | null = null;
  method = "";
  url = "";
  headers: Record<string, string> = {};
  body: FormData | null = null;
  status = 0;
  responseText = "";
  readonly upload = new EventTarget();
  constructor() {
    super();
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: FormData) {
    this.body = body;
  }
  abort() {
    this.dispatchEvent(new Event("abort"));
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.dispatchEvent(new Event("load"));
  }
  progress(loaded: number, total: number) {
    this.upload.dispatchEvent(Object.assign(new Event("progress"), { lengthComputable: true, loaded, total }));
  }
}

afterEach(() => vi.unstubAllGlobals());

function start(onProgress?: (loaded: number, total: number) => void, signal?: AbortSignal) {
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
  // biome-ignore lint/suspicious/noDocumentCookie: the test plays the browser that received the cookie from login.
  document.cookie = `${CSRF_COOKIE}=csrf-123`;
  const file = new File(["tar bytes"], "app.tar.gz", { type: "application/gzip" });
  const result = uploadArchive("web shop", file, { onProgress, signal });
  const xhr = FakeXhr.last;
  if (!xhr) throw new Error("no request was made");
  return { result, xhr };
}

describe("uploadArchive", () => {
  it("posts the file as multipart field `archive` with the CSRF token, reports progress, and returns the queued build", async () => {
    const seen: number[] = [];
    const { result, xhr } = start((loaded) => seen.push(loaded));
    expect(xhr.method).toBe("POST");
    expect(xhr.url).toBe("/api/apps/web%20shop/builds");
    expect(xhr.headers["x-csrf-token"]).toBe("csrf-123");
    expect((xhr.body?.get("archive") as File | undefined)?.name).toBe("app.tar.gz");
    xhr.progress(4, 9);
    xhr.progress(9, 9);
    xhr.answer(202, { id: "b-1", number: 1, status: "queued" });
    await expect(result).resolves.toEqual({ id: "b-1", number: 1, status: "queued" });
    expect(seen).toEqual([4, 9]);
  });

  it("rejects with the server's message and status", async () => {
    const { result, xhr } = start();
    xhr.answer(413, { error: { code: "PAYLOAD_TOO_LARGE", message: "The archive is larger than 200 MiB." } });
    await expect(result).rejects.toEqual(new UploadError("The archive is larger than 200 MiB.", 413));
    await expect(result).rejects.toMatchObject({ status: 413 });
  });

  it("stops when its signal aborts", async () => {
    const controller = new AbortController();
    const { result } = start(undefined, controller.signal);
    controller.abort();
    await expect(result).rejects.toThrow("The upload was cancelled.");
  });
});

describe("archiveProblem", () => {
  it("accepts .tar.gz, .tgz and .zip (any case) and refuses other names and empty files", () => {
    expect(archiveProblem({ name: "App.TAR.GZ", size: 10 })).toBeNull();
    expect(archiveProblem({ name: "app.tgz", size: 10 })).toBeNull();
    expect(archiveProblem({ name: "app.zip", size: 10 })).toBeNull();
    expect(archiveProblem({ name: "app.tar", size: 10 })).toBe('"app.tar" is not a .tar.gz, .tgz or .zip archive.');
    expect(archiveProblem({ name: "app.zip", size: 0 })).toBe('"app.zip" is empty.');
  });
});
