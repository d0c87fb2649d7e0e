// Run by `npm install`/`npm ci` (the root package's postinstall). postgres.js 3.4.x writes to a
// socket it has already dropped when a query is sent on a connection the server just closed
// (a failover, a terminated backend, a restart): `socket.write` on null throws inside a
// setImmediate, which no caller can catch, and the whole platform process exits. The same closed
// connection also keeps the unsent bytes and a dead write timer, which the next connection made
// on it would inherit. Upstream: porsager/postgres#1154 and #1208 (fix #1168, unmerged when this
// was written). This makes such a write fail the queries with CONNECTION_CLOSED instead, and a
// closed connection start clean. Idempotent; says so and changes nothing when the code differs.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const MARK = "skypanel: porsager/postgres#1154";
const WRITE = "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)\n";
const GUARDED = `  function nextWrite(fn) {\n    if (!socket) { // ${MARK}\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options, socket))\n      return false\n    }\n    const x = socket.write(chunk, fn)\n`;
const CLEAR = "    clearImmediate(nextWriteTimer)\n";
const CLEARED = `    clearImmediate(nextWriteTimer), nextWriteTimer = null, chunk = null // ${MARK}\n`;

for (const file of ["src/connection.js", "cjs/src/connection.js"].map((f) => join(root, "node_modules/postgres", f))) {
  if (!existsSync(file)) continue;
  const text = readFileSync(file, "utf8");
  if (text.includes(MARK)) continue;
  if (!text.includes(WRITE) || !text.includes(CLEAR)) {
    console.warn(`[patch-postgres] ${file}: not the code this patch knows (another postgres.js version?); left as it is`);
    continue;
  }
  writeFileSync(file, text.replace(WRITE, GUARDED).replaceAll(CLEAR, CLEARED));
  console.log(`[patch-postgres] ${file}: a write on a closed connection fails its queries instead of the process`);
}
