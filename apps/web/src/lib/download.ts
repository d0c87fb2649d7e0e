import { stripAnsi } from "./ansi.ts";

/** Saves the first `count` lines of a log as a plain-text file, one line each, with the ANSI colours stripped. */
export function downloadLog<T>(name: string, lines: readonly T[], count: number, toText: (line: T) => string) {
  const text = `${lines
    .slice(0, count)
    .map((l) => stripAnsi(toText(l)))
    .join("\n")}\n`;
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  // The click only starts the download; the URL must outlive it for a moment.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
