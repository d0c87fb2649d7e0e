// What the pipeline view and promotion return (the contract in the pipelines brief: the web and
// review apps read these shapes).
import type { PipelineStage, ReviewAppStatus } from "@skypanel/db";

/** Stages an app is put at by hand; review apps sit at "review", made by engine.reviewApps. */
export const APP_STAGES = ["development", "staging", "production"] as const satisfies readonly PipelineStage[];
export type AppStage = (typeof APP_STAGES)[number];

export interface ReleaseView {
  id: string;
  version: number;
  kind: "build" | "config" | "rollback" | "promotion";
  createdAt: Date;
  storePath: string | null;
  buildId: string | null;
  buildNumber: number | null;
  commit: string | null;
  promotedFrom: { appName: string; version: number } | null;
}

export interface StageApp {
  id: string;
  name: string;
  status: string;
  url: string | null;
  release: ReleaseView | null;
  configKeys: string[];
}

export interface ReviewAppView {
  id: string;
  branch: string;
  prNumber: number | null;
  status: ReviewAppStatus;
  error: string | null;
  origin: "api" | "cli" | "push" | "webhook";
  app: { id: string; name: string; url: string | null } | null;
  release: ReleaseView | null;
  expiresAt: Date | null;
  createdAt: Date;
}

export interface ReviewSettingsView {
  enabled: boolean;
  parentApp: { id: string; name: string } | null;
  addons: boolean;
  maxApps: number;
  whenFull: "refuse_newest" | "destroy_oldest";
  ttlSeconds: number | null;
  repository: string | null;
  webhook: boolean;
}

export interface PipelineView {
  id: string;
  name: string;
  teamId: string;
  stages: { stage: AppStage; apps: StageApp[] }[];
  reviewApps: ReviewAppView[];
  review: ReviewSettingsView;
}

export interface PipelineSummary {
  id: string;
  name: string;
  teamId: string;
  appCount: number;
  reviewAppCount: number;
}

export interface ConfigKeyDiff {
  onlyInSource: string[];
  onlyInTarget: string[];
  inBoth: string[];
}

export interface PromotionPreview {
  from: { app: { id: string; name: string }; release: ReleaseView };
  nextStage: AppStage;
  targets: { app: { id: string; name: string }; release: ReleaseView | null; strategy: string; configKeys: ConfigKeyDiff }[];
}

export interface PromotionResult {
  promotions: { app: { id: string; name: string }; releaseVersion: number; deploymentId: string }[];
}
