// GitHub's webhook, as GitHub (and Gitea, which sends the same headers) delivers it: the
// X-Hub-Signature-256 HMAC of the exact body bytes, and a pull_request event's few fields a
// review app needs. Nothing of the body is trusted before the signature verifies.
import { createHmac, timingSafeEqual } from "node:crypto";
import { EngineError, ValidationError } from "../../errors.ts";

/** GitHub caps deliveries at 25 MB; a pull_request event is a few tens of KB. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export class WebhookSignatureError extends EngineError {
  constructor() {
    super(
      "UNAUTHORIZED",
      "The X-Hub-Signature-256 header is missing or does not match this pipeline's webhook secret (set it with `skypanel reviewapps:webhook`).",
    );
  }
}

/** Whether `header` ("sha256=<hex>") is the HMAC-SHA256 of `body` under `secret`; compared in constant time. */
export function signatureMatches(secret: string, body: Uint8Array, header: string | undefined): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? "");
  if (!m?.[1]) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(m[1], "hex"));
}

export function sign(secret: string, body: Uint8Array | string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export interface PullRequestEvent {
  action: string;
  number: number;
  /** The head branch (pull_request.head.ref). */
  branch: string;
  sha: string;
  cloneUrl: string;
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The fields of a pull_request event review apps use; a clear 400 naming the first that is wrong. */
export function parsePullRequestEvent(body: Uint8Array): PullRequestEvent {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(body).toString("utf8"));
  } catch {
    throw new ValidationError("The webhook's body is not JSON (set the webhook's content type to application/json).");
  }
  const at = (path: string[]): unknown =>
    path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), doc);
  const text = (path: string[], max: number) => {
    const v = at(path);
    if (typeof v !== "string" || v === "" || v.length > max)
      throw new ValidationError(`The pull_request event has no valid ${path.join(".")}.`);
    return v;
  };
  const action = text(["action"], 64);
  const number = at(["pull_request", "number"]) ?? at(["number"]);
  if (typeof number !== "number" || !Number.isInteger(number) || number < 1 || number > 2_147_483_647)
    throw new ValidationError("The pull_request event has no valid pull_request.number.");
  const sha = text(["pull_request", "head", "sha"], 64).toLowerCase();
  if (!SHA.test(sha)) throw new ValidationError("The pull_request event's pull_request.head.sha is not a commit id.");
  return {
    action,
    number,
    branch: text(["pull_request", "head", "ref"], 255),
    sha,
    cloneUrl: text(["pull_request", "head", "repo", "clone_url"], 2048),
  };
}
