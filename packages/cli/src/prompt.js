// @ts-check
// Questions on a terminal, for `login`: a visible answer, or a hidden one (the password).

/**
 * @param {NodeJS.ReadStream} stdin
 * @param {NodeJS.WriteStream} stderr
 * @param {string} question
 */
export async function ask(stdin, stderr, question) {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: stdin, output: stderr, terminal: true });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/**
 * Reads a line with echo off (raw mode), so the password never shows.
 * @param {NodeJS.ReadStream} stdin
 * @param {NodeJS.WriteStream} stderr
 * @param {string} question
 * @returns {Promise<string>}
 */
export function askHidden(stdin, stderr, question) {
  stderr.write(question);
  return new Promise((resolve, reject) => {
    let answer = "";
    stdin.setRawMode(true);
    stdin.resume();
    const done = (/** @type {Error | null} */ err) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      stderr.write("\n");
      if (err) reject(err);
      else resolve(answer);
    };
    const onData = (/** @type {Buffer} */ chunk) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n") return done(null);
        if (ch === "\u0003") return done(new Error("Cancelled."));
        if (ch === "\u007f" || ch === "\b") answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    stdin.on("data", onData);
  });
}

/** All of stdin (for a token piped in). */
export async function readAll(/** @type {NodeJS.ReadStream} */ stdin) {
  /** @type {Buffer[]} */
  const chunks = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}
