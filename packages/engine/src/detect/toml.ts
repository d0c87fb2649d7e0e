// A small TOML reader: enough of TOML 1.0 for pyproject.toml, Pipfile, Cargo.toml and
// rust-toolchain.toml (tables, arrays of tables, dotted keys, strings, arrays, inline tables).
// Numbers, dates and booleans are kept as their text or parsed loosely: detection never
// computes with them. Anything it cannot read is a TomlError with the line number.

import { InvalidSourceFileError } from "./errors.ts";
import type { SourceTree } from "./files.ts";

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export class TomlError extends Error {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

const BARE_KEY = /[A-Za-z0-9_-]/;
const MAX_DEPTH = 32;

export function parseToml(text: string): TomlTable {
  return new Reader(text).document();
}

/** Reads and parses a TOML file of the source; an error naming the file and line when it is not TOML. */
export async function readTomlFile(tree: SourceTree, file: string): Promise<TomlTable> {
  const text = (await tree.readText(file)) ?? "";
  try {
    return parseToml(text);
  } catch (err) {
    if (err instanceof TomlError) throw new InvalidSourceFileError(file, `is not valid TOML (${err.message}).`);
    throw err;
  }
}

/** Reads a nested value by path: tomlGet(doc, "tool", "poetry", "dependencies"). */
export function tomlGet(table: TomlTable, ...keys: string[]): TomlValue | undefined {
  let here: TomlValue | undefined = table;
  for (const key of keys) {
    if (!isTable(here)) return undefined;
    here = Object.hasOwn(here, key) ? here[key] : undefined;
  }
  return here;
}

export function isTable(value: TomlValue | undefined): value is TomlTable {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class Reader {
  private pos = 0;
  private line = 1;

  constructor(private readonly src: string) {}

  document(): TomlTable {
    const root: TomlTable = Object.create(null);
    let current = root;
    for (;;) {
      this.skipBlankLines();
      if (this.pos >= this.src.length) return root;
      if (this.peek() === "[") {
        const isArray = this.src.startsWith("[[", this.pos);
        this.pos += isArray ? 2 : 1;
        const keys = this.key();
        this.expect(isArray ? "]]" : "]");
        current = isArray ? this.appendArrayTable(root, keys) : this.table(root, keys, true);
      } else {
        const keys = this.key();
        this.expect("=");
        const value = this.value(0);
        const last = keys.pop() as string;
        const target = this.table(current, keys, false);
        if (Object.hasOwn(target, last)) throw this.fail(`the key "${last}" is defined twice`);
        target[last] = value;
      }
      this.endOfLine();
    }
  }

  private table(from: TomlTable, keys: string[], header: boolean): TomlTable {
    let here = from;
    for (const key of keys) {
      const next = Object.hasOwn(here, key) ? here[key] : undefined;
      if (next === undefined) {
        const created: TomlTable = Object.create(null);
        here[key] = created;
        here = created;
      } else if (Array.isArray(next) && header && isTable(next.at(-1))) {
        here = next.at(-1) as TomlTable;
      } else if (isTable(next)) {
        here = next;
      } else {
        throw this.fail(`"${key}" is a value, not a table`);
      }
    }
    return here;
  }

  private appendArrayTable(root: TomlTable, keys: string[]): TomlTable {
    const last = keys.pop() as string;
    const parent = this.table(root, keys, true);
    const existing = Object.hasOwn(parent, last) ? parent[last] : undefined;
    const entry: TomlTable = Object.create(null);
    if (existing === undefined) parent[last] = [entry];
    else if (Array.isArray(existing)) existing.push(entry);
    else throw this.fail(`"${last}" is already defined and is not an array of tables`);
    return entry;
  }

  private key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipSpaces();
      const c = this.peek();
      if (c === '"' || c === "'") parts.push(this.singleLineString(c));
      else {
        const start = this.pos;
        while (this.pos < this.src.length && BARE_KEY.test(this.src.charAt(this.pos))) this.pos++;
        if (this.pos === start) throw this.fail("expected a key");
        parts.push(this.src.slice(start, this.pos));
      }
      this.skipSpaces();
      if (this.peek() !== ".") return parts;
      this.pos++;
    }
  }

  private value(depth: number): TomlValue {
    if (depth > MAX_DEPTH) throw this.fail("values are nested too deeply");
    this.skipSpaces();
    const c = this.peek();
    if (c === '"' || c === "'") {
      if (this.src.startsWith(c.repeat(3), this.pos)) return this.multiLineString(c);
      return this.singleLineString(c);
    }
    if (c === "[") return this.array(depth);
    if (c === "{") return this.inlineTable(depth);
    const start = this.pos;
    const scalarEnd = () => {
      while (this.pos < this.src.length && !/[\s,\]}#]/.test(this.src.charAt(this.pos))) this.pos++;
    };
    scalarEnd();
    // A date and a time may be separated by one space: 1979-05-27 07:32:00Z.
    if (/^\d{4}-\d{2}-\d{2}$/.test(this.src.slice(start, this.pos)) && /^ \d{2}:/.test(this.src.slice(this.pos, this.pos + 4))) {
      this.pos++;
      scalarEnd();
    }
    const raw = this.src.slice(start, this.pos);
    if (raw === "") throw this.fail("expected a value");
    if (raw === "true" || raw === "false") return raw === "true";
    const n = Number(raw.replaceAll("_", ""));
    return Number.isFinite(n) ? n : raw;
  }

  private array(depth: number): TomlValue[] {
    this.pos++;
    const items: TomlValue[] = [];
    for (;;) {
      this.skipBlankLines();
      if (this.peek() === "]") break;
      items.push(this.value(depth + 1));
      this.skipBlankLines();
      if (this.peek() === ",") this.pos++;
      else if (this.peek() !== "]") throw this.fail("expected , or ] in an array");
    }
    this.pos++;
    return items;
  }

  private inlineTable(depth: number): TomlTable {
    this.pos++;
    const table: TomlTable = Object.create(null);
    this.skipSpaces();
    if (this.peek() === "}") {
      this.pos++;
      return table;
    }
    for (;;) {
      const keys = this.key();
      this.expect("=");
      const value = this.value(depth + 1);
      const last = keys.pop() as string;
      const target = this.table(table, keys, false);
      if (Object.hasOwn(target, last)) throw this.fail(`the key "${last}" is defined twice`);
      target[last] = value;
      this.skipSpaces();
      const c = this.peek();
      this.pos++;
      if (c === "}") return table;
      if (c !== ",") throw this.fail("expected , or } in an inline table");
    }
  }

  private singleLineString(quote: string): string {
    this.pos++;
    let out = "";
    for (;;) {
      const c = this.src.charAt(this.pos);
      if (c === "" || c === "\n") throw this.fail("a string is not closed on its line");
      this.pos++;
      if (c === quote) return out;
      out += c === "\\" && quote === '"' ? this.escape() : c;
    }
  }

  private multiLineString(quote: string): string {
    const fence = quote.repeat(3);
    this.pos += 3;
    if (this.peek() === "\n") this.nextLine();
    else if (this.src.startsWith("\r\n", this.pos)) this.nextLine(2);
    let out = "";
    for (;;) {
      if (this.pos >= this.src.length) throw this.fail(`a ${fence} string is never closed`);
      if (this.src.startsWith(fence, this.pos)) {
        this.pos += 3;
        // Up to two quotes right before the closing fence belong to the string.
        for (let extra = 0; extra < 2 && this.peek() === quote; extra++) {
          out += quote;
          this.pos++;
        }
        return out;
      }
      const c = this.src.charAt(this.pos);
      if (c === "\n") {
        this.nextLine();
        out += c;
      } else if (c === "\\" && quote === '"') {
        this.pos++;
        if (/^[ \t]*\r?\n/.test(this.src.slice(this.pos, this.pos + 64))) {
          // A line-ending backslash trims the newline and the whitespace after it.
          while (/\s/.test(this.peek())) {
            if (this.peek() === "\n") this.line++;
            this.pos++;
          }
        } else out += this.escape();
      } else {
        out += c;
        this.pos++;
      }
    }
  }

  private escape(): string {
    const c = this.src.charAt(this.pos++);
    const simple: Record<string, string> = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", '"': '"', "\\": "\\" };
    if (Object.hasOwn(simple, c)) return simple[c] as string;
    if (c === "u" || c === "U") {
      const len = c === "u" ? 4 : 8;
      const hex = this.src.slice(this.pos, this.pos + len);
      const code = /^[0-9A-Fa-f]+$/.test(hex) && hex.length === len ? Number.parseInt(hex, 16) : Number.NaN;
      if (!(code <= 0x10ffff)) throw this.fail(`bad unicode escape \\${c}${hex}`);
      this.pos += len;
      return String.fromCodePoint(code);
    }
    throw this.fail(`unknown escape \\${c}`);
  }

  private expect(token: string): void {
    this.skipSpaces();
    if (!this.src.startsWith(token, this.pos)) throw this.fail(`expected ${token}`);
    this.pos += token.length;
  }

  private endOfLine(): void {
    this.skipSpaces();
    if (this.peek() === "#") this.skipComment();
    if (this.pos >= this.src.length) return;
    if (this.peek() === "\n") this.nextLine();
    else if (this.src.startsWith("\r\n", this.pos)) this.nextLine(2);
    else throw this.fail(`unexpected ${JSON.stringify(this.peek())} after a value`);
  }

  private skipSpaces(): void {
    while (this.peek() === " " || this.peek() === "\t") this.pos++;
  }

  private skipBlankLines(): void {
    for (;;) {
      this.skipSpaces();
      const c = this.peek();
      if (c === "#") this.skipComment();
      else if (c === "\n") this.nextLine();
      else if (c === "\r" && this.src.charAt(this.pos + 1) === "\n") this.nextLine(2);
      else return;
    }
  }

  private skipComment(): void {
    while (this.pos < this.src.length && this.peek() !== "\n") this.pos++;
  }

  private nextLine(width = 1): void {
    this.pos += width;
    this.line++;
  }

  private peek(): string {
    return this.src.charAt(this.pos);
  }

  private fail(problem: string): TomlError {
    return new TomlError(this.line, problem);
  }
}
