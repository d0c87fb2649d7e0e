// A pipeline's review-app settings, checked: the parent app must be one of its development or
// staging apps (its config is copied into every review app), the repository a git URL the
// platform may fetch.
import type { Database, Pipeline } from "@skypanel/db";
import { findAppById, findAppsByNames, findPipelineOfApp, isUuid, type updatePipelineReview } from "@skypanel/db/queries";
import { ValidationError } from "../../errors.ts";
import type { ReviewSettingsChange } from "./types.ts";

type Values = NonNullable<Parameters<typeof updatePipelineReview>[2]>;

export async function settingsChange(
  db: Database,
  pipeline: Pipeline,
  input: ReviewSettingsChange,
  checkRepository: (url: string) => Promise<void>,
): Promise<Values> {
  const values: Values = {};
  if (input.enabled !== undefined) values.reviewEnabled = input.enabled;
  if (input.addons !== undefined) values.reviewAddons = input.addons;
  if (input.maxApps !== undefined) {
    if (!Number.isInteger(input.maxApps) || input.maxApps < 1 || input.maxApps > 100)
      throw new ValidationError("maxApps is a whole number from 1 to 100.");
    values.reviewMaxApps = input.maxApps;
  }
  if (input.whenFull !== undefined) {
    if (input.whenFull !== "refuse_newest" && input.whenFull !== "destroy_oldest")
      throw new ValidationError("whenFull is refuse_newest or destroy_oldest.");
    values.reviewWhenFull = input.whenFull;
  }
  if (input.ttlSeconds !== undefined) {
    const ttl = input.ttlSeconds;
    if (ttl !== null && (!Number.isInteger(ttl) || ttl < 3600 || ttl > 31_536_000))
      throw new ValidationError("ttlSeconds is from 3600 (an hour) to 31536000 (a year), or null for no time to live.");
    values.reviewTtlSeconds = ttl;
  }
  if (input.repository !== undefined) {
    if (input.repository !== null) {
      await checkRepository(input.repository);
    }
    values.reviewRepository = input.repository;
  }
  if (input.parentApp !== undefined)
    values.reviewParentAppId = input.parentApp === null ? null : await parentAppId(db, pipeline, input.parentApp);
  const parentSet = values.reviewParentAppId !== undefined ? values.reviewParentAppId : pipeline.reviewParentAppId;
  if ((values.reviewEnabled ?? pipeline.reviewEnabled) && !parentSet)
    throw new ValidationError("Choose the parent app (a development or staging app of the pipeline) before turning review apps on.");
  return values;
}

async function parentAppId(db: Database, pipeline: Pipeline, ref: string): Promise<string> {
  const app = isUuid(ref) ? await findAppById(db, ref) : ((await findAppsByNames(db, [ref]))[0] ?? null);
  const place = app ? await findPipelineOfApp(db, app.id) : null;
  if (!app || place?.pipeline.id !== pipeline.id || (place.stage !== "development" && place.stage !== "staging"))
    throw new ValidationError(
      `The parent app must be a development or staging app of pipeline ${pipeline.name}; "${ref.slice(0, 60)}" is not.`,
    );
  return app.id;
}
