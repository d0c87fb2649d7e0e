// An instance's stdout and stderr as streams of lines. The process writes to files in the
// instance's state directory (not to pipes of the control plane), so it keeps running and
// logging while the control plane restarts; a re-adopted instance's reader resumes at the
// offset the previous one had reached.
import { closeSync, existsSync, openSync, readFileSync, readSync, truncateSync, writeFileSync } from "node:fs";
import { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";

const CHUNK = 64 * 1024;
const MAX_LINE = 16 * 1024;
const POLL_MS = 150;
/** Once read up to here and caught up (at a line's end), the file is emptied so it does not grow without bound. */
const ROTATE_AT = 1024 * 1024;

export class LogLines extends Readable {
  private offset: number;
  private partial = "";
  private readonly decoder = new StringDecoder("utf8");
  private timer: NodeJS.Timeout | null = null;
  private wanted = false;
  private finishing = false;

  constructor(
    private readonly file: string,
    private readonly noise: RegExp[] = [],
  ) {
    super({ objectMode: true, highWaterMark: 1024 });
    this.offset = existsSync(`${file}.offset`) ? Number(readFileSync(`${file}.offset`, "utf8")) || 0 : 0;
  }

  override _read() {
    this.wanted = true;
    if (!this.timer) this.pump();
  }

  /** Reads what the instance wrote last, then ends the stream. */
  finish() {
    if (this.finishing) return;
    this.finishing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.readAvailable(true);
    if (this.partial) this.emitLine(this.partial);
    this.partial = "";
    this.push(null);
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void) {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.finishing = true;
    callback(err);
  }

  private pump() {
    this.timer = null;
    if (this.finishing || this.destroyed) return;
    this.readAvailable(false);
    if (this.wanted) this.timer = setTimeout(() => this.pump(), POLL_MS).unref();
  }

  /** `all`: read to the end even past the consumer's appetite (the instance is gone). */
  private readAvailable(all: boolean) {
    let fd: number;
    try {
      fd = openSync(this.file, "r");
    } catch {
      return;
    }
    const start = this.offset;
    try {
      const buffer = Buffer.alloc(CHUNK);
      while (all || this.wanted) {
        const n = readSync(fd, buffer, 0, CHUNK, this.offset);
        if (n === 0) {
          // Caught up: the file can be emptied; the writer appends (O_APPEND) at the new end.
          if (this.offset >= ROTATE_AT && this.partial === "") {
            truncateSync(this.file, 0);
            this.offset = 0;
          }
          break;
        }
        this.offset += n;
        this.split(this.decoder.write(buffer.subarray(0, n)));
      }
      // A line still being written is not counted as read: a reader taking over re-reads it whole.
      if (this.offset !== start) writeFileSync(`${this.file}.offset`, String(this.offset - Buffer.byteLength(this.partial)));
    } finally {
      closeSync(fd);
    }
  }

  private split(text: string) {
    const lines = (this.partial + text).split("\n");
    this.partial = lines.pop() ?? "";
    while (this.partial.length > MAX_LINE) {
      this.emitLine(this.partial.slice(0, MAX_LINE));
      this.partial = this.partial.slice(MAX_LINE);
    }
    for (const line of lines) this.emitLine(line.endsWith("\r") ? line.slice(0, -1) : line);
  }

  private emitLine(line: string) {
    if (this.noise.some((re) => re.test(line))) return;
    if (!this.push(line)) this.wanted = false;
  }
}
