// Follows a log file the way `tail -F` does: every poll reads what was appended. Caddy rolls its
// log files (lumberjack renames the file away and starts a new one at the same path), so when the
// path leads to another file, the old one is read to its end first, then the new one from its start.
import { type FileHandle, open, stat } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";

export interface FileTailOptions {
  path: string;
  /** Called for each file followed; its function gets that file's text, chunk by chunk. */
  reader: () => (text: string) => void;
  pollMs?: number;
  onError?: (error: unknown) => void;
}

const CHUNK = 64 * 1024;

const missing = (err: unknown) => (err as NodeJS.ErrnoException).code === "ENOENT";

export function tailFile(o: FileTailOptions) {
  const buffer = Buffer.alloc(CHUNK);
  let file: { handle: FileHandle; ino: number; offset: number; decoder: StringDecoder; feed: (text: string) => void } | null = null;
  let timer: NodeJS.Timeout | null = null;
  let polling: Promise<void> = Promise.resolve();

  async function follow(fromEnd: boolean) {
    let handle: FileHandle;
    try {
      handle = await open(o.path, "r");
    } catch (err) {
      if (missing(err)) return;
      throw err;
    }
    // The inode of what was opened, not of what the path names by now.
    const st = await handle.stat();
    file = { handle, ino: st.ino, offset: fromEnd ? st.size : 0, decoder: new StringDecoder("utf8"), feed: o.reader() };
  }

  async function drain() {
    if (!file) return;
    for (;;) {
      const { bytesRead } = await file.handle.read(buffer, 0, CHUNK, file.offset);
      if (bytesRead === 0) return;
      file.offset += bytesRead;
      file.feed(file.decoder.write(buffer.subarray(0, bytesRead)));
    }
  }

  async function pollOnce() {
    await drain();
    const now = await stat(o.path).catch((err) => {
      if (missing(err)) return null;
      throw err;
    });
    if (file && now?.ino === file.ino) {
      // Truncated in place: start again from its beginning.
      if (now.size < file.offset) file.offset = 0;
      return;
    }
    if (file) {
      // Rolled (or removed): whatever was written before the roll is still in the old file.
      await drain();
      await file.handle.close();
      file = null;
    }
    if (now) {
      await follow(false);
      await drain();
    }
  }

  /** One poll, never two at once. */
  function poll(): Promise<void> {
    polling = polling.catch(() => {}).then(pollOnce);
    return polling;
  }

  return {
    poll,
    /** Starts at the file's end: what it already holds was counted before, or belongs to a time long gone. */
    async start() {
      await follow(true);
      timer = setInterval(() => void poll().catch((err) => o.onError?.(err)), o.pollMs ?? 250);
      timer.unref();
    },
    /** Reads what is left, then lets go of the file. */
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await poll().catch((err) => o.onError?.(err));
      await file?.handle.close();
      file = null;
    },
  };
}

export type FileTail = ReturnType<typeof tailFile>;
