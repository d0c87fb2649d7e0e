// Review apps: an app per branch or pull request of a pipeline, made from app.json, destroyed on
// close or after a time to live. The area's public face.
export { createReviewApps, type ReviewAppParts, type ReviewApps } from "./service.ts";
export * from "./types.ts";
