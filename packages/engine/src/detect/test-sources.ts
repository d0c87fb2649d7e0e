// Test helper: writes a throwaway app source from a description and removes it after the test.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";

import { detectBuildPlan } from "./index.ts";

export type SourceFile = string | Uint8Array | { symlink: string };

/** The committed fixture apps. */
export const FIXTURES = fileURLToPath(new URL("../../fixtures/apps/", import.meta.url));

export function makeSource(files: Record<string, SourceFile>): string {
  const root = mkdtempSync(join(tmpdir(), "skypanel-detect-"));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    if (typeof content === "object" && "symlink" in content) symlinkSync(content.symlink, target);
    else writeFileSync(target, content);
  }
  return root;
}

/** Detects the build plan of a source made of these files. */
export const detect = (files: Record<string, SourceFile>) => detectBuildPlan(makeSource(files));

/** What a plan's reasons say about one topic, one reason a line. */
export const said = (plan: { reasons: { topic: string; reason: string }[] }, topic: string) =>
  plan.reasons
    .filter((r) => r.topic === topic)
    .map((r) => r.reason)
    .join("\n");
