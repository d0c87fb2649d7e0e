import { APP_STATUSES, type AppStatus } from "@skypanel/db";
import {
  type AppRow,
  type AppSortField,
  appNameTaken,
  appRelations,
  deleteApp,
  findRole,
  findVisibleApp,
  insertApp,
  isUuid,
  listApps,
  listTeamsOfUser,
  updateApp,
  updateDomainTargets,
  withActor,
} from "@skypanel/db/queries";
import type { Actor } from "../actor.ts";
import type { EngineDeps } from "../deps.ts";
import { AppNameTakenError, AppNotFoundError, TeamNotFoundError, ValidationError } from "../errors.ts";
import { assertRoleAllows, type Permission, requireTeamRole } from "../teams/index.ts";
import { checkAppName } from "./names.ts";
import { checkRootDirectory } from "./root-directory.ts";

export { APP_NAME_RULE, checkAppName } from "./names.ts";

export interface AppListQuery {
  page?: number;
  perPage?: number;
  search?: string;
  sort?: AppSortField;
  order?: "asc" | "desc";
  teamId?: string;
  status?: AppStatus;
}

export const MAX_PER_PAGE = 100;

export function createApps(deps: EngineDeps) {
  const { db } = deps;

  /**
   * The app if the actor may do `permission` on it. An app in a team the actor is not in
   * is "not found", never "forbidden", so names of other teams' apps do not leak.
   */
  async function resolve(actor: Actor, idOrName: string, permission: Permission, what: string) {
    const app = await findVisibleApp(db, actor.userId, idOrName);
    if (!app) throw new AppNotFoundError(idOrName);
    const role = await findRole(db, app.teamId, actor.userId);
    if (!role) throw new AppNotFoundError(idOrName);
    assertRoleAllows(role, permission, what);
    return { app, role };
  }

  async function personalTeamId(actor: Actor) {
    const teams = await listTeamsOfUser(db, actor.userId);
    const personal = teams.find((t) => t.personal && t.role === "owner") ?? teams.find((t) => t.role !== "viewer");
    if (!personal) throw new ValidationError("You are in no team you can create apps in; pass a teamId.");
    return personal.id;
  }

  const deleteHooks = new Set<(actor: Actor, app: { id: string; name: string }) => Promise<void>>();
  const deletedListeners = new Set<(appId: string) => Promise<void>>();

  return {
    resolve,

    async list(actor: Actor, q: AppListQuery = {}) {
      const page = q.page ?? 1;
      const perPage = q.perPage ?? 20;
      if (!Number.isInteger(page) || page < 1) throw new ValidationError("page must be a whole number from 1.");
      if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
        throw new ValidationError(`perPage must be a whole number from 1 to ${MAX_PER_PAGE}.`);
      }
      if (q.status && !APP_STATUSES.includes(q.status)) throw new ValidationError(`status is one of ${APP_STATUSES.join(", ")}.`);
      if (q.teamId && !isUuid(q.teamId)) return { items: [] as AppRow[], total: 0, page, perPage };
      const { items, total } = await listApps(db, {
        userId: actor.userId,
        teamId: q.teamId,
        search: q.search?.trim().slice(0, 100) || undefined,
        status: q.status,
        sort: q.sort ?? "name",
        order: q.order ?? (q.sort && q.sort !== "name" ? "desc" : "asc"),
        limit: perPage,
        offset: (page - 1) * perPage,
      });
      return { items, total, page, perPage };
    },

    /** The app with what its page shows: releases, deployments, instances, domains. */
    async get(actor: Actor, idOrName: string) {
      const { app, role } = await resolve(actor, idOrName, "read", "viewing the app");
      return { ...app, role, ...(await appRelations(db, app.id)) };
    },

    /**
     * Whether `create` would take this name in this team now (for work that creates the app later,
     * an import): the name's rule, the team and the caller's role in it, and that no app has the name.
     */
    async checkCreate(actor: Actor, input: { name: string; teamId?: string | undefined }): Promise<{ name: string; teamId: string }> {
      const name = checkAppName(input.name);
      const teamId = input.teamId ?? (await personalTeamId(actor));
      if (!isUuid(teamId)) throw new ValidationError(`"${teamId}" is not a team id.`);
      await requireTeamRole(db, actor, teamId, "write", "creating apps");
      if (await appNameTaken(db, name)) throw new AppNameTakenError(name);
      return { name, teamId };
    },

    async create(actor: Actor, input: { name: string; teamId?: string | undefined; description?: string | undefined }) {
      const name = checkAppName(input.name);
      const description = checkDescription(input.description ?? "");
      const teamId = input.teamId ?? (await personalTeamId(actor));
      if (!isUuid(teamId)) throw new ValidationError(`"${teamId}" is not a team id.`);
      await requireTeamRole(db, actor, teamId, "write", "creating apps");
      const id = await withActor(db, actor, async (tx) => {
        if (await appNameTaken(tx, name)) throw new AppNameTakenError(name);
        return insertApp(tx, { teamId, name, description, createdBy: actor.userId });
      }).catch(rethrowNameTaken(name));
      return (await findVisibleApp(db, actor.userId, id)) as AppRow;
    },

    async update(
      actor: Actor,
      idOrName: string,
      input: { name?: string | undefined; description?: string | undefined; rootDirectory?: string | null | undefined },
    ) {
      const { app } = await resolve(actor, idOrName, "write", "changing the app");
      const changes: { name?: string; description?: string; rootDirectory?: string | null } = {};
      if (input.name !== undefined && input.name !== app.name) changes.name = checkAppName(input.name);
      if (input.description !== undefined) changes.description = checkDescription(input.description);
      if (input.rootDirectory !== undefined) changes.rootDirectory = checkRootDirectory(input.rootDirectory);
      if (Object.keys(changes).length > 0) {
        await withActor(db, actor, async (tx) => {
          if (changes.name && (await appNameTaken(tx, changes.name))) throw new AppNameTakenError(changes.name);
          await updateApp(tx, app.id, changes);
          // Custom domains' CNAMEs point at the platform hostname, which holds the name.
          if (changes.name) await updateDomainTargets(tx, app.id, `${changes.name}.${deps.baseDomain}`);
        }).catch(rethrowNameTaken(changes.name ?? ""));
      }
      return (await findVisibleApp(db, actor.userId, app.id)) as AppRow;
    },

    /**
     * Moves the app, with everything that belongs to it, to another team. App names are unique
     * platform-wide (applications_name_key), so the name cannot clash in the target team.
     */
    async transfer(actor: Actor, idOrName: string, teamId: string) {
      const { app } = await resolve(actor, idOrName, "manage", "transferring the app");
      if (!isUuid(teamId)) throw new TeamNotFoundError(teamId);
      if (teamId === app.teamId) throw new ValidationError(`${app.name} is already in the team ${app.teamName}.`);
      await requireTeamRole(db, actor, teamId, "write", "moving an app into a team");
      await withActor(db, actor, (tx) => updateApp(tx, app.id, { teamId }));
      return (await findVisibleApp(db, actor.userId, app.id)) as AppRow;
    },

    async delete(actor: Actor, idOrName: string) {
      const { app } = await resolve(actor, idOrName, "manage", "deleting the app");
      // What lives outside the platform database (add-ons' databases) goes first; a hook that
      // fails stops the delete with its reason, and the app stays to be deleted again.
      for (const hook of deleteHooks) await hook(actor, app);
      await withActor(db, actor, (tx) => deleteApp(tx, app.id));
      // Not awaited: stopping the instances waits for them to exit, which the caller need not.
      for (const listener of deletedListeners)
        void listener(app.id).catch((err: Error) => console.error(`[apps] after deleting ${app.name}:`, err.message));
      return { id: app.id, name: app.name };
    },

    /** Tells `listener` an app was deleted (the runtime then stops its instances and drops its routes at once, not at its next pass). */
    onDeleted(listener: (appId: string) => Promise<void>) {
      deletedListeners.add(listener);
    },

    /** Runs `hook` before an app is deleted (engine areas register their clean-up). */
    beforeDelete(hook: (actor: Actor, app: { id: string; name: string }) => Promise<void>) {
      deleteHooks.add(hook);
    },
  };
}

function checkDescription(text: string) {
  if (text.length > 500) throw new ValidationError("A description is at most 500 characters.");
  return text;
}

/** Two racing creates can both pass the check; the unique index decides, and says so clearly. */
function rethrowNameTaken(name: string) {
  return (err: unknown): never => {
    const text = String((err as { cause?: { message?: string } })?.cause?.message ?? (err as Error)?.message ?? "");
    if (text.includes("applications_name_key")) throw new AppNameTakenError(name);
    throw err;
  };
}

export type Apps = ReturnType<typeof createApps>;
