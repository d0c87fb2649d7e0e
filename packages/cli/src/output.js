// @ts-check
// What a command prints: data on stdout (tables and colour only on a terminal, never when
// piped or with NO_COLOR), progress and status on stderr. formatBytes and shellQuote exist in
// the engine too, in TypeScript: the CLI runs with no build step, so it cannot import them.

/**
 * @typedef {object} Output
 * @property {boolean} tty     stdout is a terminal: tables, headings
 * @property {boolean} color
 * @property {(text?: string) => void} line
 * @property {(data: unknown) => void} json
 * @property {(text: string) => void} heading
 * @property {(rows: Record<string, unknown>[], columns: [key: string, title: string][]) => void} table
 * @property {(pairs: [string, unknown][]) => void} pairs
 * @property {(text: string) => void} status   a line on stderr
 * @property {(text: string) => void} warn
 * @property {(text: string) => string} bold
 * @property {(text: string) => string} dim
 * @property {(text: string) => string} green
 * @property {(text: string) => string} red
 * @property {boolean} stderrTty  stderr is a terminal: progress bars
 * @property {(done: number, total: number, label: string) => void} progress
 */

/**
 * @param {{ stdout: NodeJS.WritableStream & { isTTY?: boolean }, stderr: NodeJS.WritableStream & { isTTY?: boolean }, noColor: boolean }} io
 * @returns {Output}
 */
export function createOutput({ stdout, stderr, noColor }) {
  const tty = Boolean(stdout.isTTY);
  const stderrTty = Boolean(stderr.isTTY);
  const color = tty && !noColor;
  const errColor = stderrTty && !noColor;
  /** @param {string} open @param {string} close @param {boolean} on */
  const paint = (open, close, on) => (/** @type {string} */ s) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  const bold = paint("1", "22", color);
  const line = (text = "") => {
    stdout.write(`${text}\n`);
  };
  return {
    tty,
    color,
    stderrTty,
    line,
    json: (data) => line(JSON.stringify(data, null, 2)),
    heading: (text) => {
      if (tty) line(bold(`=== ${text}`));
    },
    table: (rows, columns) => {
      const cells = rows.map((r) => columns.map(([key]) => cellText(r[key])));
      if (!tty) {
        // Piped: one tab-separated line per row, no header, for cut/awk.
        for (const row of cells) line(row.join("\t"));
        return;
      }
      const widths = columns.map(([, title], i) => Math.max(title.length, ...cells.map((row) => (row[i] ?? "").length)));
      const pad = (/** @type {string[]} */ row) =>
        row
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join("  ")
          .trimEnd();
      line(bold(pad(columns.map(([, title]) => title))));
      line(pad(widths.map((w) => "─".repeat(w))));
      for (const row of cells) line(pad(row));
    },
    pairs: (pairs) => {
      const width = Math.max(0, ...pairs.map(([k]) => k.length)) + 1;
      for (const [k, v] of pairs) line(tty ? `${bold(`${k}:`.padEnd(width))} ${cellText(v)}` : `${k}: ${cellText(v)}`);
    },
    status: (text) => {
      stderr.write(`${text}\n`);
    },
    warn: (text) => {
      stderr.write(`${paint("33", "39", errColor)("Warning:")} ${text}\n`);
    },
    bold,
    dim: paint("2", "22", color),
    green: paint("32", "39", color),
    red: paint("31", "39", color),
    progress: (done, total, label) => {
      if (!stderrTty) return;
      const width = 30;
      const filled = total > 0 ? Math.round((done / total) * width) : width;
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      stderr.write(`\r${label} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${String(pct).padStart(3)}% ${formatBytes(done)}`);
      if (done >= total) stderr.write("\n");
    },
  };
}

/** A value as one table cell. */
export function cellText(/** @type {unknown} */ v) {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") return JSON.stringify(v);
  return String(v).replace(/[\r\n\t]+/g, " ");
}

export function formatBytes(/** @type {number} */ n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** `'value'` for a POSIX shell: single quotes, each `'` written as `'\''`. */
export function shellQuote(/** @type {string} */ value) {
  return `'${value.replaceAll("'", "'\\''")}'`;
}
