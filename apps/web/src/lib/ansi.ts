// ANSI SGR colour codes in build output → styled text segments. Only the 16 standard and bright
// colours, bold and reset are kept; every other escape sequence is dropped. The result is plain
// text plus a style, rendered as React text nodes, so log content can never become markup.

/** 0–7 the standard colours, 8–15 their bright variants; null the terminal's default. */
export type AnsiColor = number | null;

export interface AnsiStyle {
  fg: AnsiColor;
  bg: AnsiColor;
  bold: boolean;
}

export interface AnsiSegment extends AnsiStyle {
  text: string;
}

const PLAIN: AnsiStyle = { fg: null, bg: null, bold: false };

// CSI sequences (ESC [ params final-byte) and the two-byte ESC sequences; a lone ESC is dropped too.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point
const ESCAPE = /\u001b(?:\[([0-9;:?]*)([@-~])|[@-Z\\-_]|$)/g;

/** Applies one SGR parameter list ("1;31", "0", "") to a style. */
function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  const codes = params === "" ? [0] : params.split(/[;:]/).map((p) => (p === "" ? 0 : Number(p)));
  let next = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] ?? 0;
    if (code === 0) next = { ...PLAIN };
    else if (code === 1) next.bold = true;
    else if (code === 22) next.bold = false;
    else if (code >= 30 && code <= 37) next.fg = code - 30;
    else if (code >= 90 && code <= 97) next.fg = code - 90 + 8;
    else if (code === 39) next.fg = null;
    else if (code >= 40 && code <= 47) next.bg = code - 40;
    else if (code >= 100 && code <= 107) next.bg = code - 100 + 8;
    else if (code === 49) next.bg = null;
    else if (code === 38 || code === 48) {
      // 256-colour (5;n) and true-colour (2;r;g;b): the first 16 of the 256 map onto ours, the rest are skipped.
      const mode = codes[i + 1];
      if (mode === 5) {
        const n = codes[i + 2] ?? 0;
        if (n < 16) next[code === 38 ? "fg" : "bg"] = n;
        i += 2;
      } else if (mode === 2) {
        i += 4;
      }
    }
  }
  return next;
}

const sameStyle = (a: AnsiStyle, b: AnsiStyle) => a.fg === b.fg && a.bg === b.bg && a.bold === b.bold;

/**
 * Splits `input` into runs of text that share a style. `start` is the style in force at the
 * beginning (a colour left open by the previous line carries over in a terminal; here each
 * line starts plain unless told otherwise).
 */
export function parseAnsi(input: string, start: AnsiStyle = PLAIN): AnsiSegment[] {
  const segments: AnsiSegment[] = [];
  let style = start;
  let last = 0;
  const push = (text: string) => {
    if (!text) return;
    const prev = segments[segments.length - 1];
    if (prev && sameStyle(prev, style)) prev.text += text;
    else segments.push({ text, ...style });
  };
  for (const match of input.matchAll(ESCAPE)) {
    push(input.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[2] === "m") style = applySgr(style, match[1] ?? "");
  }
  push(input.slice(last));
  return segments;
}

/** The text without any escape sequences: for downloads and search. */
export function stripAnsi(input: string): string {
  return input.replace(ESCAPE, "");
}
