// Who may see and change a pipeline: the members of its team, by the same roles as apps. A
// pipeline of another team is "not found", so its existence is not revealed.
import type { Database, Pipeline } from "@skypanel/db";
import { findRole, findVisiblePipeline } from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import { EngineError } from "../errors.ts";
import { assertRoleAllows, type Permission } from "../teams/index.ts";

export class PipelineNotFoundError extends EngineError {
  constructor(idOrName: string) {
    super(
      "NOT_FOUND",
      `No pipeline named or with id "${idOrName.length > 60 ? `${idOrName.slice(0, 60)}…` : idOrName}" is visible to you.`,
    );
  }
}

export async function resolvePipeline(
  db: Database,
  actor: Actor,
  idOrName: string,
  permission: Permission,
  what: string,
): Promise<{ pipeline: Pipeline; role: NonNullable<Awaited<ReturnType<typeof findRole>>> }> {
  const pipeline = await findVisiblePipeline(db, actor.userId, idOrName);
  if (!pipeline) throw new PipelineNotFoundError(idOrName);
  const role = await findRole(db, pipeline.teamId, actor.userId);
  if (!role) throw new PipelineNotFoundError(idOrName);
  assertRoleAllows(role, permission, what);
  return { pipeline, role };
}
