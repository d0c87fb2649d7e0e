// A tiny Redis client (RESP2 over node:net): enough to authenticate and run a few commands.
// The repository has no Redis package, and add-ons need only AUTH, ACL, SCAN and DEL.
import { connect, type Socket } from "node:net";

export type RespValue = string | number | null | RespValue[];

export class RedisReplyError extends Error {}

/** Parses one reply from `buf` at `at`; null when more bytes are needed. */
function parse(buf: Buffer, at: number): { value: RespValue | RedisReplyError; next: number } | null {
  const eol = buf.indexOf("\r\n", at);
  if (eol < 0) return null;
  const head = buf.toString("utf8", at + 1, eol);
  const next = eol + 2;
  switch (String.fromCharCode(buf[at] ?? 0)) {
    case "+":
      return { value: head, next };
    case "-":
      return { value: new RedisReplyError(head), next };
    case ":":
      return { value: Number(head), next };
    case "$": {
      const len = Number(head);
      if (len < 0) return { value: null, next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.toString("utf8", next, next + len), next: next + len + 2 };
    }
    case "*": {
      const count = Number(head);
      if (count < 0) return { value: null, next };
      const items: RespValue[] = [];
      let pos = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buf, pos);
        if (!item) return null;
        if (item.value instanceof RedisReplyError) return item;
        items.push(item.value);
        pos = item.next;
      }
      return { value: items, next: pos };
    }
    default:
      throw new Error(`unexpected Redis reply starting with ${JSON.stringify(head.slice(0, 20))}`);
  }
}

function encode(args: string[]): Buffer {
  return Buffer.concat([
    Buffer.from(`*${args.length}\r\n`),
    ...args.map((a) => Buffer.concat([Buffer.from(`$${Buffer.byteLength(a)}\r\n`), Buffer.from(a), Buffer.from("\r\n")])),
  ]);
}

export interface RedisClient {
  command(...args: string[]): Promise<RespValue>;
  close(): void;
}

/** Connects to a redis:// URL and authenticates as its user (or the default user), selecting its database. */
export async function openRedis(url: string, timeoutMs = 5000): Promise<RedisClient> {
  const u = new URL(url);
  if (u.protocol !== "redis:") throw new Error(`Only redis:// URLs are supported, not ${u.protocol}//.`);
  const socket: Socket = connect({ host: u.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(u.port || 6379) });
  socket.setTimeout(timeoutMs);
  let buffer = Buffer.alloc(0);
  const waiting: { resolve: (v: RespValue) => void; reject: (e: Error) => void }[] = [];
  const failAll = (err: Error) => {
    for (const w of waiting.splice(0)) w.reject(err);
  };
  socket.on("data", (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const reply = parse(buffer, 0);
      if (!reply) return;
      buffer = buffer.subarray(reply.next);
      const w = waiting.shift();
      if (reply.value instanceof RedisReplyError) w?.reject(reply.value);
      else w?.resolve(reply.value);
    }
  });
  socket.on("timeout", () => socket.destroy(new Error(`Redis at ${u.host} did not answer within ${timeoutMs} ms`)));
  socket.on("error", failAll);
  socket.on("close", () => failAll(new Error(`the connection to Redis at ${u.host} closed`)));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const client: RedisClient = {
    command: (...args) =>
      new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        socket.write(encode(args));
      }),
    close: () => socket.destroy(),
  };
  try {
    const user = decodeURIComponent(u.username);
    const password = decodeURIComponent(u.password);
    if (password) await client.command("AUTH", ...(user ? [user] : []), password);
    const db = u.pathname.replace(/^\//, "");
    if (db) await client.command("SELECT", db);
  } catch (err) {
    client.close();
    throw err;
  }
  return client;
}
