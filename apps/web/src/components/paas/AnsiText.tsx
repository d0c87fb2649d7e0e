import { memo } from "react";
import { parseAnsi } from "../../lib/ansi.ts";
import { cx } from "../../lib/cx.ts";

// Tuned for the log's dark background; literal class names so Tailwind keeps them.
const FG = [
  "text-slate-400",
  "text-red-400",
  "text-green-400",
  "text-yellow-300",
  "text-blue-400",
  "text-fuchsia-400",
  "text-cyan-300",
  "text-slate-200",
  "text-slate-300",
  "text-red-300",
  "text-green-300",
  "text-yellow-200",
  "text-blue-300",
  "text-fuchsia-300",
  "text-cyan-200",
  "text-white",
];
const BG = [
  "bg-slate-950",
  "bg-red-900",
  "bg-green-900",
  "bg-yellow-900",
  "bg-blue-900",
  "bg-fuchsia-900",
  "bg-cyan-900",
  "bg-slate-300",
  "bg-slate-700",
  "bg-red-700",
  "bg-green-700",
  "bg-yellow-700",
  "bg-blue-700",
  "bg-fuchsia-700",
  "bg-cyan-700",
  "bg-white",
];

/** One line of terminal output with its colours; the text only ever becomes text nodes. */
export const AnsiText = memo(function AnsiText({ text }: { text: string }) {
  let offset = 0;
  return (
    <>
      {parseAnsi(text).map((segment) => {
        // Where the segment starts in the line: unique, and stable for an unchanging line.
        const key = offset;
        offset += segment.text.length;
        if (segment.fg === null && segment.bg === null && !segment.bold) return segment.text;
        return (
          <span
            key={key}
            className={cx(segment.fg !== null && FG[segment.fg], segment.bg !== null && BG[segment.bg], segment.bold && "font-bold")}
          >
            {segment.text}
          </span>
        );
      })}
    </>
  );
});
