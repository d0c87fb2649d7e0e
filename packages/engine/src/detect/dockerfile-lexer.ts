// The Dockerfile lexer: physical lines to instructions (parser directives, comments, line
// continuations, here-documents) and Docker's word splitting. dockerfile.ts gives them meaning.
import { InvalidSourceFileError } from "./errors.ts";

export const HEREDOC_MARKER = /(?<!<)<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

export interface Heredoc {
  word: string;
  /** Lines between the marker and the terminator, as written. */
  lines: string[];
  stripTabs: boolean;
}

export interface LogicalLine {
  line: number;
  keyword: string;
  args: string;
  heredocs: Heredoc[];
}

/**
 * Splits like BuildKit's word lexer (moby/buildkit frontend/dockerfile/shell/lex.go): quotes
 * group; outside quotes the escape character escapes any character (and is dropped at the end);
 * inside single quotes nothing is special; inside double quotes it escapes only `"`, `$` and
 * itself, and before anything else it stays, as in sh ("C:\dir" keeps its backslash).
 */
export function splitWords(text: string, escapeChar = "\\"): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote !== null) {
      const next = text.charAt(i + 1);
      if (c === quote) quote = null;
      else if (c === escapeChar && quote === '"' && (next === '"' || next === "$" || next === escapeChar)) word += text.charAt(++i);
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === escapeChar) {
      word += text.charAt(++i);
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) throw new Error(`a ${quote} quote is never closed`);
  if (inWord) words.push(word);
  return words;
}

/** Physical lines to instructions: directives, comments, continuations and here-documents. */
export function logicalLines(text: string, file: string): { lines: LogicalLine[]; escapeChar: string } {
  const physical = text.split(/\r\n|\r|\n/);
  let escapeChar = "\\";
  let i = 0;
  // Parser directives (`# escape=` and `# syntax=`) may only open the file.
  for (; i < physical.length; i++) {
    const m = /^#\s*([A-Za-z]+)\s*=\s*(\S+)\s*$/.exec(physical[i] as string);
    if (!m) break;
    if (m[1]?.toLowerCase() !== "escape") continue;
    if (m[2] !== "\\" && m[2] !== "`") throw new InvalidSourceFileError(file, `line ${i + 1}: the escape directive must be \\ or \``);
    escapeChar = m[2];
  }
  const lines: LogicalLine[] = [];
  while (i < physical.length) {
    const start = i;
    let joined = "";
    let continued = false;
    for (; i < physical.length; i++) {
      const raw = physical[i] as string;
      // Comments and blank lines are dropped, also in the middle of a continued instruction.
      if (/^\s*(#|$)/.test(raw)) {
        if (continued) continue;
        break;
      }
      const trimmed = raw.replace(/\s+$/, "");
      if (trimmed.endsWith(escapeChar)) {
        joined += trimmed.slice(0, -1);
        continued = true;
        continue;
      }
      joined += raw;
      continued = false;
      i++;
      break;
    }
    if (joined.trim() === "") {
      i = Math.max(i, start + 1);
      continue;
    }
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(joined) as RegExpExecArray;
    const keyword = (m[1] as string).toUpperCase();
    const args = (m[2] as string).trim();
    const heredocs: Heredoc[] = [];
    if ((keyword === "RUN" || keyword === "COPY" || keyword === "ADD") && !args.startsWith("[")) {
      for (const marker of args.matchAll(HEREDOC_MARKER)) {
        const stripTabs = marker[1] === "-";
        const word = marker[3] as string;
        const body: string[] = [];
        for (;;) {
          if (i >= physical.length) {
            throw new InvalidSourceFileError(
              file,
              `line ${start + 1}: the here-document <<${word} is never closed (no line with just ${word})`,
            );
          }
          const raw = physical[i++] as string;
          if ((stripTabs ? raw.replace(/^\t+/, "") : raw) === word) break;
          body.push(raw);
        }
        heredocs.push({ word, lines: body, stripTabs });
      }
    }
    lines.push({ line: start + 1, keyword, args, heredocs });
  }
  return { lines, escapeChar };
}
