import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import { UnreadableSealError, WrongPassphraseError } from "./errors.ts";
import { checkPassphrase, openWithPassphrase, sealWithPassphrase } from "./seal.ts";

const PASSPHRASE = "correct horse battery staple";
const CONFIG = Buffer.from(JSON.stringify({ SECRET_KEY: "s3cr3t", DATABASE_URL: "postgres://u:p@h/db" }));
// Where the header's fields sit: magic (8), version, log2 N, r, p, salt (16), nonce (12).
const AT = { version: 8, logN: 9, r: 10, p: 11, salt: 12 };

describe("export config sealing", () => {
  it("opens with the passphrase it was sealed with, and never holds the plain text", async () => {
    const sealed = await sealWithPassphrase(CONFIG, PASSPHRASE);
    expect(sealed.includes(Buffer.from("s3cr3t"))).toBe(false);
    expect(await openWithPassphrase(sealed, PASSPHRASE)).toEqual(CONFIG);
  });

  it("seals the same config differently each time (fresh salt and nonce)", async () => {
    const [a, b] = await Promise.all([sealWithPassphrase(CONFIG, PASSPHRASE), sealWithPassphrase(CONFIG, PASSPHRASE)]);
    expect(a.equals(b)).toBe(false);
  });

  it("opens with the same passphrase typed in another Unicode normal form", async () => {
    const composed = "café au lait, s'il vous plaît";
    const sealed = await sealWithPassphrase(CONFIG, composed);
    expect(await openWithPassphrase(sealed, composed.normalize("NFD"))).toEqual(CONFIG);
  });

  it("refuses a wrong passphrase with WrongPassphraseError, a ValidationError", async () => {
    const sealed = await sealWithPassphrase(CONFIG, PASSPHRASE);
    const err = await openWithPassphrase(sealed, "incorrect horse battery staple").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongPassphraseError);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toBe("The passphrase does not open this export's config (or the archive was changed).");
  });

  it("refuses a sealed config with any one byte flipped (header, ciphertext or tag)", async () => {
    const sealed = await sealWithPassphrase(CONFIG, PASSPHRASE);
    for (const at of [AT.salt, AT.salt + 20, 45, sealed.length - 20, sealed.length - 1]) {
      const changed = Buffer.from(sealed);
      changed[at] = (changed[at] ?? 0) ^ 0x01;
      await expect(openWithPassphrase(changed, PASSPHRASE), `byte ${at}`).rejects.toBeInstanceOf(WrongPassphraseError);
    }
  });

  it("refuses a lowered KDF parameter even when the rest is intact (the header is authenticated)", async () => {
    const sealed = await sealWithPassphrase(CONFIG, PASSPHRASE, { logN: 16, r: 8, p: 1 });
    const lowered = Buffer.from(sealed);
    lowered[AT.logN] = 15;
    await expect(openWithPassphrase(lowered, PASSPHRASE)).rejects.toBeInstanceOf(WrongPassphraseError);
    expect(await openWithPassphrase(sealed, PASSPHRASE)).toEqual(CONFIG);
  });

  it("refuses passphrases shorter than 12 characters, counting characters, not bytes", async () => {
    await expect(sealWithPassphrase(CONFIG, "short")).rejects.toThrow(/The passphrase is 5 characters long\. An export passphrase is 12/);
    expect(() => checkPassphrase("ééééééééééé")).toThrow(ValidationError);
    expect(checkPassphrase("twelve chars")).toBe("twelve chars");
    expect(() => checkPassphrase("x".repeat(1025))).toThrow(/too long/);
  });

  it("refuses hostile KDF parameters in the header at once, before any key derivation", async () => {
    const sealed = await sealWithPassphrase(CONFIG, PASSPHRASE);
    const hostile: [number, number][] = [
      [AT.logN, 40],
      [AT.logN, 22],
      [AT.r, 255],
      [AT.p, 255],
      [AT.logN, 1],
    ];
    for (const [at, value] of hostile) {
      const changed = Buffer.from(sealed);
      changed[at] = value;
      const started = performance.now();
      const err = await openWithPassphrase(changed, PASSPHRASE).catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(50);
      expect(err).toBeInstanceOf(UnreadableSealError);
      expect((err as Error).message).toMatch(/key derivation settings .* are outside what SkyPanel accepts/);
    }
  });

  it("refuses what is not a sealed config, or a version it does not read, without guessing", async () => {
    await expect(openWithPassphrase(randomBytes(100), PASSPHRASE)).rejects.toThrow(/is not a SkyPanel sealed config/);
    await expect(openWithPassphrase(Buffer.alloc(0), PASSPHRASE)).rejects.toBeInstanceOf(UnreadableSealError);
    const future = await sealWithPassphrase(CONFIG, PASSPHRASE);
    future[AT.version] = 2;
    await expect(openWithPassphrase(future, PASSPHRASE)).rejects.toThrow(/format version 2, and this platform reads version 1/);
  });
});
