import type { RouterOutputs } from "../../../lib/trpc.ts";

export type PipelineSummary = RouterOutputs["pipelines"]["list"][number];
export type PipelineView = RouterOutputs["pipelines"]["get"];
export type Stage = PipelineView["stages"][number]["stage"];
export type StageApp = PipelineView["stages"][number]["apps"][number];
export type ReleaseView = NonNullable<StageApp["release"]>;
export type ReviewAppView = PipelineView["reviewApps"][number];
export type ReviewSettings = PipelineView["review"];
export type PromotionPreview = RouterOutputs["pipelines"]["promotionPreview"];
export type Promotion = RouterOutputs["pipelines"]["promote"]["promotions"][number];

export const STAGE_LABELS: Record<Stage, string> = { development: "Development", staging: "Staging", production: "Production" };

/** The stage a promotion from `stage` goes to; production is the end of the line. */
export const NEXT_STAGE: Record<Stage, Stage | null> = { development: "staging", staging: "production", production: null };
