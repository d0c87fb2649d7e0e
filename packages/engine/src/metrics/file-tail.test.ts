import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FileTail, tailFile } from "./file-tail.ts";

describe("tailFile (a real file in a temporary directory)", () => {
  let dir: string;
  let tail: FileTail;
  let read: string[];
  let readers: number;
  const follow = async (path: string) => {
    tail = tailFile({
      path,
      pollMs: 60_000,
      reader: () => {
        readers++;
        return (text) => read.push(text);
      },
    });
    await tail.start();
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "skp-tail-"));
    read = [];
    readers = 0;
  });
  afterEach(async () => {
    await tail?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("waits for a file that does not exist yet, then reads it from its start", async () => {
    const path = join(dir, "access.log");
    await follow(path);
    await tail.poll();
    expect(read).toEqual([]);
    writeFileSync(path, "first\n");
    await tail.poll();
    expect(read.join("")).toBe("first\n");
  });

  it("starts again from the beginning of a file truncated in place", async () => {
    const path = join(dir, "access.log");
    writeFileSync(path, "old line that was there before\n");
    await follow(path);
    appendFileSync(path, "a\n");
    await tail.poll();
    truncateSync(path, 0);
    await tail.poll();
    appendFileSync(path, "b\n");
    await tail.poll();
    expect(read.join("")).toBe("a\nb\n");
    expect(readers).toBe(1);
  });

  it("keeps a character split across two reads whole", async () => {
    const path = join(dir, "access.log");
    writeFileSync(path, "");
    await follow(path);
    const euro = Buffer.from("€\n");
    appendFileSync(path, euro.subarray(0, 1));
    await tail.poll();
    appendFileSync(path, euro.subarray(1));
    await tail.stop();
    expect(read.join("")).toBe("€\n");
  });
});
