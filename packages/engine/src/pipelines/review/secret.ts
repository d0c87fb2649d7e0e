// The pipeline's webhook secret, sealed like config values and bound to its pipeline.
import { randomBytes } from "node:crypto";
import type { Database, Pipeline } from "@skypanel/db";
import { listPipelineWebhookSecrets, updatePipelineReview } from "@skypanel/db/queries";
import { open, seal } from "../../secrets/index.ts";
import type { Keyring } from "../../secrets/keyring.ts";

const context = (pipelineId: string) => `pipeline-webhook:${pipelineId}`;

export function newWebhookSecret(): string {
  return randomBytes(32).toString("hex");
}

export function sealWebhookSecret(keyring: Keyring, pipelineId: string, secret: string) {
  const s = seal(keyring, secret, context(pipelineId));
  return { webhookSecret: Buffer.from(s.ciphertext), webhookNonce: Buffer.from(s.nonce), webhookKeyId: s.keyId };
}

/** The secret, or null when the pipeline has no webhook. */
export function openWebhookSecret(keyring: Keyring, pipeline: Pipeline): string | null {
  if (!pipeline.webhookSecret || !pipeline.webhookNonce || !pipeline.webhookKeyId) return null;
  return open(
    keyring,
    { ciphertext: pipeline.webhookSecret, nonce: pipeline.webhookNonce, keyId: pipeline.webhookKeyId },
    context(pipeline.id),
  );
}

/** The master key rotation: every webhook secret sealed again with `keyId` (the keyring's current key). */
export async function resealPipelineWebhooks(tx: Database, keyring: Keyring, keyId: string) {
  for (const row of await listPipelineWebhookSecrets(tx)) {
    if (row.keyId === keyId || !row.secret || !row.nonce || !row.keyId) continue;
    const secret = open(keyring, { ciphertext: row.secret, nonce: row.nonce, keyId: row.keyId }, context(row.id));
    await updatePipelineReview(tx, row.id, sealWebhookSecret(keyring, row.id, secret));
  }
}
