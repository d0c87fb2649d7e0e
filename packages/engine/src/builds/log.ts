import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";

// Control characters (other than tab) would garble a log view; ESC is kept for ANSI colours.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f]/g;
const MAX_LINE = 4000;
/** A build printing more than this keeps running, but its log says the rest was dropped. */
export const MAX_LOG_LINES = 100_000;

export interface LogLine {
  /** 1-based line number: the event id a reconnecting reader resumes after. */
  n: number;
  text: string;
}

/**
 * A build's log: appended to a file as it runs, numbered so a reader can resume where it left
 * off, and announced line by line to live followers.
 */
export class BuildLog {
  private count = 0;
  private dropped = false;

  constructor(
    readonly file: string,
    private readonly onLine: (line: LogLine) => void,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    if (existsSync(file)) this.count = readLines(file).length;
  }

  get lines() {
    return this.count;
  }

  write(raw: string) {
    for (const piece of raw.split("\n")) {
      // Progress spinners and carriage-return redraws: keep only what the line settled on.
      const text = (piece.split("\r").pop() ?? "").replace(CONTROL, "").slice(0, MAX_LINE);
      if (this.count >= MAX_LOG_LINES) {
        if (!this.dropped) this.append(`[log truncated: more than ${MAX_LOG_LINES} lines]`);
        this.dropped = true;
        return;
      }
      this.append(text);
    }
  }

  private append(text: string) {
    appendFileSync(this.file, `${text}\n`);
    this.count++;
    this.onLine({ n: this.count, text });
  }
}

export function readLines(file: string, after = 0): LogLine[] {
  if (!existsSync(file)) return [];
  const all = readFileSync(file, "utf8").split("\n");
  all.pop();
  return all.slice(after).map((text, i) => ({ n: after + i + 1, text }));
}
