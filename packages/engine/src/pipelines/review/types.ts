// What review apps take and give (the pipelines contract): inputs of the API, and the webhook's answer.
import type { ReviewAppView, ReviewSettingsView } from "../types.ts";

export type { ReviewAppView, ReviewSettingsView };

export interface NewReviewApp {
  branch: string;
  /** Where to build from (default: the pipeline's repository, else the parent app's own). */
  source?: { url: string; ref?: string | undefined } | undefined;
  origin?: "api" | "cli" | undefined;
}

export interface ReviewSettingsChange {
  enabled?: boolean | undefined;
  parentApp?: string | null | undefined;
  addons?: boolean | undefined;
  maxApps?: number | undefined;
  whenFull?: "refuse_newest" | "destroy_oldest" | undefined;
  ttlSeconds?: number | null | undefined;
  repository?: string | null | undefined;
}

/** A webhook delivery as received: the headers that matter and the exact bytes of the body. */
export interface WebhookDelivery {
  event: string | undefined;
  signature: string | undefined;
  body: Uint8Array;
}

/** What the webhook answers: 200 done, 202 accepted but ignored. */
export interface WebhookOutcome {
  status: 200 | 202;
  message: string;
  reviewApp?: { id: string; branch: string; app: string | null; status: string };
}
