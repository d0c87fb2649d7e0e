import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { open, seal } from "./cipher.ts";
import { createKey, KeyMissingError, openKeyring, writeCurrent } from "./keyring.ts";

describe("keyring and AES-256-GCM sealing", () => {
  const homes: string[] = [];
  const home = () => {
    const h = mkdtempSync(join(tmpdir(), "skypanel-keys-"));
    homes.push(h);
    return h;
  };
  afterEach(() => {
    for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
  });

  it("creates a key on first open and keeps it across opens", () => {
    const h = home();
    const a = openKeyring(h);
    const b = openKeyring(h);
    expect(b.currentId).toBe(a.currentId);
    expect(a.key(a.currentId)).toHaveLength(32);
  });

  it("opens what it sealed, only with the same context, and detects tampering", () => {
    const k = openKeyring(home());
    const sealed = seal(k, "s3cret value", "env:app-1:TOKEN");
    expect(open(k, sealed, "env:app-1:TOKEN")).toBe("s3cret value");
    expect(() => open(k, sealed, "env:app-2:TOKEN")).toThrow();
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => open(k, { ...sealed, ciphertext: flipped }, "env:app-1:TOKEN")).toThrow();
    // Two seals of one value differ (fresh nonce each time).
    expect(Buffer.from(seal(k, "same", "c").ciphertext).equals(Buffer.from(seal(k, "same", "c").ciphertext))).toBe(false);
  });

  it("still opens values sealed with an older key after the current key changes", () => {
    const h = home();
    const before = openKeyring(h);
    const old = seal(before, "old value", "ctx");
    writeCurrent(before.dir, createKey(before.dir));
    const after = openKeyring(h);
    expect(after.currentId).not.toBe(before.currentId);
    expect(open(after, old, "ctx")).toBe("old value");
    expect(seal(after, "new", "ctx").keyId).toBe(after.currentId);
  });

  it("names a missing or damaged key clearly instead of failing obscurely", () => {
    const k = openKeyring(home());
    expect(() => k.key("k-missing")).toThrow(KeyMissingError);
    expect(() => k.key("../../etc/passwd")).toThrow(KeyMissingError);
    writeFileSync(join(k.dir, "kshort.key"), Buffer.alloc(8).toString("base64"));
    expect(() => k.key("kshort")).toThrow(/damaged/);
  });
});
