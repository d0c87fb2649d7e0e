// Commands in a build plan are shell command lines. Anything taken from the source (a file
// name, a module name) goes through shellQuote so it can never add a command of its own.

const PLAIN = /^[A-Za-z0-9_\-./:=@%+,]+$/;

export function shellQuote(word: string): string {
  if (PLAIN.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}

/** True when the text holds control characters other than tab (escape sequences, NUL, newlines…). */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/** Shortens a value from the source for an error message, control characters shown as "?". */
export function preview(value: string, max = 60): string {
  const visible = [...value].map((ch) => (hasControlCharacters(ch) ? "?" : ch)).join("");
  return JSON.stringify(visible.length > max ? `${visible.slice(0, max)}…` : visible);
}
