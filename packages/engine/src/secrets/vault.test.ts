// Vault is not installable on this machine (no Debian package, no network beyond npm and Debian),
// so these tests run the platform's Vault client against a mock of Vault's transit HTTP API that
// keeps its own AES key and checks the token, as Vault does. The mock is in the tests' names.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestEngine } from "../testing.ts";
import { open, seal } from "./cipher.ts";
import { KeyMissingError, loadKeyring, openKeyring } from "./keyring.ts";
import { VaultError, vaultTransit } from "./vault.ts";

const TOKEN = "s.test-token";

/** POST /v1/transit/encrypt|decrypt/skypanel, as Vault's transit engine answers them. */
function startMockVault(): Promise<{ server: Server; address: string; calls: string[] }> {
  const masterKey = randomBytes(32);
  const calls: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString("utf8");
    });
    req.on("end", () => {
      const answer = (status: number, json: unknown) =>
        res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(json));
      if (req.headers["x-vault-token"] !== TOKEN) return answer(403, { errors: ["permission denied"] });
      const m = /^\/v1\/transit\/(encrypt|decrypt)\/skypanel$/.exec(req.url ?? "");
      if (req.method !== "POST" || !m) return answer(404, { errors: [] });
      calls.push(m[1] ?? "");
      const input = JSON.parse(body) as { plaintext?: string; ciphertext?: string };
      if (m[1] === "encrypt") {
        const iv = randomBytes(12);
        const c = createCipheriv("aes-256-gcm", masterKey, iv);
        const data = Buffer.concat([iv, c.update(Buffer.from(input.plaintext ?? "", "base64")), c.final(), c.getAuthTag()]);
        return answer(200, { data: { ciphertext: `vault:v1:${data.toString("base64")}`, key_version: 1 } });
      }
      try {
        const data = Buffer.from((input.ciphertext ?? "").replace(/^vault:v1:/, ""), "base64");
        const d = createDecipheriv("aes-256-gcm", masterKey, data.subarray(0, 12));
        d.setAuthTag(data.subarray(data.length - 16));
        const plain = Buffer.concat([d.update(data.subarray(12, data.length - 16)), d.final()]);
        return answer(200, { data: { plaintext: plain.toString("base64") } });
      } catch {
        return answer(400, { errors: ["cipher: message authentication failed"] });
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls })),
  );
}

describe("data-encryption keys wrapped by Vault transit (against a mock Vault transit server)", () => {
  let vault: Awaited<ReturnType<typeof startMockVault>>;
  const homes: string[] = [];
  const home = () => {
    const h = mkdtempSync(join(tmpdir(), "skypanel-vault-"));
    homes.push(h);
    return h;
  };
  beforeAll(async () => {
    vault = await startMockVault();
  });
  afterAll(async () => {
    await new Promise((r) => vault.server.close(r));
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  });

  it("keeps only Vault's ciphertext on disk, and opens the key again through Vault", async () => {
    const h = home();
    const wrapper = vaultTransit({ address: vault.address, token: TOKEN });
    const first = await loadKeyring(h, wrapper);
    const raw = first.key(first.currentId);
    const onDisk = readFileSync(join(h, "keys", `${first.currentId}.key`), "utf8");
    expect(onDisk).toMatch(/^vault:v1:/);
    expect(onDisk).not.toContain(raw.toString("base64"));
    const sealed = seal(first, "db password", "env:app:DB");

    const again = await loadKeyring(h, vaultTransit({ address: vault.address, token: TOKEN }));
    expect(open(again, sealed, "env:app:DB")).toBe("db password");
    // Without Vault the key cannot be read, and the error says which settings open it.
    expect(() => openKeyring(h)).toThrow(KeyMissingError);
    expect(() => openKeyring(h)).toThrow(/SKYPANEL_VAULT_ADDR/);
  });

  it("refuses to start with a wrong token or an unreachable Vault, saying why", async () => {
    const h = home();
    await loadKeyring(h, vaultTransit({ address: vault.address, token: TOKEN }));
    await expect(loadKeyring(h, vaultTransit({ address: vault.address, token: "wrong" }))).rejects.toThrow(/permission denied/);
    await expect(loadKeyring(h, vaultTransit({ address: "http://127.0.0.1:9", token: TOKEN, timeoutMs: 2_000 }))).rejects.toThrow(
      VaultError,
    );
    expect(() => vaultTransit({ address: vault.address, token: TOKEN, keyName: "../sys" })).toThrow(/may hold only/);
  });

  it("an engine with Vault seals config vars under a wrapped key, and key rotation wraps the new key", async () => {
    const t = await createTestEngine("pglite", { vault: { address: vault.address, token: TOKEN } });
    try {
      const owner = await t.user("owner@example.com", { isAdmin: true });
      await t.engine.apps.create(owner, { name: "vaulted" });
      await t.engine.config.set(owner, "vaulted", { API_KEY: "k-123" }, { secret: true });
      const rotated = await t.engine.keys.rotate(owner);
      expect(rotated.vars).toBe(1);
      const files = readdirSync(join(t.home, "keys")).filter((f) => f.endsWith(".key"));
      expect(files).toHaveLength(2);
      for (const f of files) expect(readFileSync(join(t.home, "keys", f), "utf8")).toMatch(/^vault:v1:/);
      expect((await t.engine.config.get(owner, "vaulted", { revealSecrets: true })).vars).toEqual([
        expect.objectContaining({ key: "API_KEY", value: "k-123" }),
      ]);
      expect(vault.calls).toContain("encrypt");
    } finally {
      await t.close();
    }
  });
});
