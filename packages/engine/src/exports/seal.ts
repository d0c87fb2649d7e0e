// An export's config vars, sealed under a passphrase the user chooses: the archive travels to
// another platform, which has none of this platform's keys. scrypt turns the passphrase into an
// AES-256-GCM key. The header (magic, version, KDF parameters, salt, nonce) is the cipher's AAD,
// so lowering the parameters, or any other change to the sealed bytes, fails authentication.
//
// Layout: "SKPSEAL\n" | version u8 | log2(N) u8 | r u8 | p u8 | salt 16 | nonce 12 | ciphertext | tag 16
import { createCipheriv, createDecipheriv, randomBytes, type ScryptOptions, scrypt } from "node:crypto";
import { ValidationError } from "../errors.ts";
import { UnreadableSealError, WrongPassphraseError } from "./errors.ts";

const MAGIC = Buffer.from("SKPSEAL\n", "latin1");
const VERSION = 1;
const SALT_BYTES = 16;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + 4 + SALT_BYTES + NONCE_BYTES;

export interface KdfParams {
  logN: number;
  r: number;
  p: number;
}

/** What sealing uses: N = 2^15, r = 8 (32 MiB, tens of milliseconds), OWASP's scrypt minimum. */
export const DEFAULT_KDF: Readonly<KdfParams> = Object.freeze({ logN: 15, r: 8, p: 1 });

// What opening accepts. The header comes from an uploaded archive: without a ceiling one could
// ask for N = 2^40 and have the server spend hours or gigabytes. The ceiling is 4× the default's
// work and 256 MiB; the floor refuses params nobody should have sealed with.
const KDF_BOUNDS = { logN: [15, 18], r: [8, 16], p: [1, 4] } as const;
const MAX_KDF_WORK = 2 ** DEFAULT_KDF.logN * DEFAULT_KDF.r * DEFAULT_KDF.p * 4;
const MAX_KDF_MEMORY = 256 * 1024 * 1024;

export const PASSPHRASE_RULE = "An export passphrase is 12 to 1024 characters; a few unrelated words make a good one.";
const MIN_PASSPHRASE = 12;
const MAX_PASSPHRASE = 1024;

export function checkPassphrase(passphrase: string): string {
  const length = [...passphrase].length;
  if (length < MIN_PASSPHRASE)
    throw new ValidationError(`The passphrase is ${length} characters long. ${PASSPHRASE_RULE}`, { rule: PASSPHRASE_RULE });
  if (length > MAX_PASSPHRASE) throw new ValidationError(`The passphrase is too long. ${PASSPHRASE_RULE}`, { rule: PASSPHRASE_RULE });
  return passphrase;
}

export async function sealWithPassphrase(plain: Buffer, passphrase: string, kdf: KdfParams = DEFAULT_KDF): Promise<Buffer> {
  checkPassphrase(passphrase);
  if (!kdfAccepted(kdf)) throw new RangeError(`scrypt N=2^${kdf.logN}, r=${kdf.r}, p=${kdf.p} is outside what openWithPassphrase accepts.`);
  const header = Buffer.concat([MAGIC, Buffer.from([VERSION, kdf.logN, kdf.r, kdf.p]), randomBytes(SALT_BYTES), randomBytes(NONCE_BYTES)]);
  const { salt, nonce } = headerParts(header);
  const key = await deriveKey(passphrase, salt, kdf);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([header, body, cipher.getAuthTag()]);
}

export async function openWithPassphrase(sealed: Buffer, passphrase: string): Promise<Buffer> {
  if (sealed.length < HEADER_BYTES + TAG_BYTES || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new UnreadableSealError("it is not a SkyPanel sealed config (the archive was changed or is not an export)");
  }
  const version = sealed[MAGIC.length];
  if (version !== VERSION)
    throw new UnreadableSealError(`it was sealed in format version ${version}, and this platform reads version ${VERSION}`);
  // Far longer than any rule allows: refused before any key derivation work.
  if (passphrase.length > MAX_PASSPHRASE * 2) throw new WrongPassphraseError();
  const header = sealed.subarray(0, HEADER_BYTES);
  const { kdf, salt, nonce } = headerParts(header);
  if (!kdfAccepted(kdf)) {
    throw new UnreadableSealError(
      `its key derivation settings (scrypt N=2^${kdf.logN}, r=${kdf.r}, p=${kdf.p}) are outside what SkyPanel accepts`,
    );
  }
  const key = await deriveKey(passphrase, salt, kdf);
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAAD(header);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new WrongPassphraseError();
  }
}

function headerParts(header: Buffer) {
  const at = MAGIC.length + 1;
  return {
    kdf: { logN: header[at] ?? 0, r: header[at + 1] ?? 0, p: header[at + 2] ?? 0 },
    salt: header.subarray(at + 3, at + 3 + SALT_BYTES),
    nonce: header.subarray(at + 3 + SALT_BYTES, HEADER_BYTES),
  };
}

function kdfAccepted({ logN, r, p }: KdfParams): boolean {
  const within = (v: number, [lo, hi]: readonly [number, number]) => Number.isInteger(v) && v >= lo && v <= hi;
  return (
    within(logN, KDF_BOUNDS.logN) &&
    within(r, KDF_BOUNDS.r) &&
    within(p, KDF_BOUNDS.p) &&
    2 ** logN * r * p <= MAX_KDF_WORK &&
    kdfMemory({ logN, r, p }) <= MAX_KDF_MEMORY
  );
}

/** OpenSSL's own count (EVP_PBE_scrypt): 128·r·(N+2) for V plus 128·r·p for B. */
function kdfMemory({ logN, r, p }: KdfParams): number {
  return 128 * r * (2 ** logN + 2) + 128 * r * p;
}

function deriveKey(passphrase: string, salt: Buffer, kdf: KdfParams): Promise<Buffer> {
  // NFC: the same passphrase typed on macOS (often NFD) and elsewhere must give the same key.
  const secret = Buffer.from(passphrase.normalize("NFC"), "utf8");
  const options: ScryptOptions = { N: 2 ** kdf.logN, r: kdf.r, p: kdf.p, maxmem: kdfMemory(kdf) + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(secret, salt, 32, options, (err, key) => (err ? reject(err) : resolve(key))));
}
