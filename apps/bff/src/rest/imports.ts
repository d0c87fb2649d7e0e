// REST for imports: read a Heroku app's plan, import it, set an app up from app.json, follow an
// import's steps, roll one back. The CLI's migrate:* commands and CI scripts use these.
import { createReadStream, rmSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { appInput } from "../schemas/common.ts";
import {
  appSetupBody,
  herokuAppsBody,
  herokuAppsSchema,
  herokuImportBody,
  herokuPlanBody,
  importIdInput,
  importPlanSchema,
  importRollbackBody,
  importSchema,
} from "../schemas/imports.ts";
import { operation } from "./operation.ts";
import { queryInt } from "./params.ts";
import { receiveUpload } from "./upload.ts";

const PASSPHRASE_HEADER = "x-skypanel-passphrase";
const passphraseHeader = z.object({
  [PASSPHRASE_HEADER]: z.string().optional().meta({
    description: "The passphrase the export's config is sealed under (12 characters or more). A header, so it is never in a URL.",
  }),
});

const started = z.strictObject({ id: z.string().meta({ description: "The import's id: follow it with GET /api/imports/{id}." }) });

export const importOperations = [
  operation({
    id: "listHerokuApps",
    method: "post",
    path: "/api/imports/heroku/apps",
    tag: "imports",
    summary: "List the Heroku apps a token sees",
    description: "A POST so the token travels in the body, never in a URL.",
    body: herokuAppsBody,
    status: 200,
    response: herokuAppsSchema,
    answers: "The Heroku apps, by name.",
    errors: [412, 429],
    handle: ({ caller, body }) => caller.imports.herokuApps(body),
  }),
  operation({
    id: "planHerokuImport",
    method: "post",
    path: "/api/imports/heroku/plan",
    tag: "imports",
    summary: "Plan a Heroku import",
    description:
      "Reads the Heroku app (stack, buildpacks, formation, config var names, add-ons, domains, current release and slug) and says what importing it would make. Nothing is made; no config value is in the answer.",
    body: herokuPlanBody,
    status: 200,
    response: importPlanSchema,
    answers: "The plan.",
    errors: [409, 412, 429],
    handle: ({ caller, body }) => caller.imports.herokuPlan(body),
  }),
  operation({
    id: "startHerokuImport",
    method: "post",
    path: "/api/imports/heroku",
    tag: "imports",
    summary: "Import a Heroku app",
    description:
      "Creates the app, its config and add-ons, restores PostgreSQL data from the latest Heroku backup, adds domains, builds and deploys, then verifies. On failure everything it made is removed. A taken name is refused with nothing made.",
    body: herokuImportBody,
    status: 202,
    response: started,
    answers: "The import, running.",
    errors: [409, 412, 429],
    handle: ({ caller, body }) => caller.imports.startHeroku(body),
  }),
  operation({
    id: "startAppSetup",
    method: "post",
    path: "/api/app-setups",
    tag: "imports",
    summary: "Set up an app from a source with app.json",
    description:
      "Heroku's app setup: builds the source, then honours its app.json: `env` (values, required ones, `generator: secret`), `addons`, `formation` and `scripts.postdeploy` (run once after the first deploy). Followed like an import.",
    body: appSetupBody,
    status: 202,
    response: started,
    answers: "The setup, running.",
    errors: [409, 412],
    handle: ({ caller, body }) => caller.imports.setup(body),
  }),
  operation({
    id: "exportApp",
    method: "get",
    path: "/api/apps/{app}/export",
    tag: "imports",
    summary: "Export the app as one archive",
    description:
      "A .tar.gz another SkyPanel imports (POST /api/imports/archive): the manifest (app.json-compatible, plus formation, limits, domains, autoscale policies and release history), the config sealed under the passphrase given in the `X-SkyPanel-Passphrase` header, the current build's Nix closure, and with `data=1` the PostgreSQL add-ons' dumps. Needs write access to the app.",
    params: appInput,
    query: z.object({ data: z.enum(["0", "1"]).optional().meta({ description: "1: include the PostgreSQL add-ons' data." }) }),
    headers: passphraseHeader,
    status: 200,
    answers: "The archive.",
    alsoAnswers: { "application/gzip": z.string().meta({ format: "binary" }) },
    errors: [412],
    handle: async ({ caller, ctx, c, params, query }) => {
      const passphrase = c.req.header(PASSPHRASE_HEADER) ?? "";
      if (!passphrase)
        throw new TRPCError({ code: "BAD_REQUEST", message: "Give the export's passphrase in the X-SkyPanel-Passphrase header." });
      const made = await caller.imports.exportApp({ app: params.app, passphrase, includeData: query.data === "1" });
      const file = ctx.engine.imports.exportFile(made.exportId);
      if (!file) throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "The export's file is gone." });
      // Sent once, then removed: the archive holds the app's config (sealed) and data.
      const stream = createReadStream(file);
      stream.on("close", () => ctx.engine.imports.removeExport(made.exportId));
      return new Response(Readable.toWeb(stream) as ReadableStream, {
        status: 200,
        headers: {
          "content-type": "application/gzip",
          "content-length": String(made.bytes),
          "content-disposition": `attachment; filename="${made.filename.replace(/[^\w.@+-]/g, "_")}"`,
          "cache-control": "no-store",
        },
      });
    },
  }),
  operation({
    id: "importArchive",
    method: "post",
    path: "/api/imports/archive",
    tag: "imports",
    summary: "Import another SkyPanel's export",
    description:
      "multipart/form-data: the file in the field `archive`, the passphrase in the field `passphrase` (or the `X-SkyPanel-Passphrase` header), optionally `name` for a new name. The archive is checked whole and the passphrase tried before anything is made; a damaged archive, a wrong passphrase or a taken name is refused with nothing left behind. Followed like any import.",
    headers: passphraseHeader,
    requestContent: {
      "multipart/form-data": z.object({
        archive: z.string().meta({ format: "binary", description: "The export (.tar.gz)." }),
        passphrase: z.string().optional(),
        name: z.string().optional(),
      }),
    },
    status: 202,
    response: started,
    answers: "The import, running.",
    errors: [409, 412],
    handle: async ({ caller, ctx, c }) => {
      // Authenticated before the bytes are taken: a stranger's upload is refused, not stored.
      await caller.auth.session();
      const upload = await receiveUpload(c.req.raw, join(ctx.config.home, "uploads"), "archive", ctx.config.maxUploadBytes);
      const passphrase = upload.fields.passphrase ?? c.req.header(PASSPHRASE_HEADER) ?? "";
      const name = upload.fields.name || undefined;
      return caller.imports
        .importArchive({ uploadPath: upload.path, filename: upload.filename, passphrase, ...(name ? { name } : {}) })
        .finally(() => rmSync(upload.path, { force: true }));
    },
  }),
  operation({
    id: "listImports",
    method: "get",
    path: "/api/imports",
    tag: "imports",
    summary: "List your imports, newest first",
    query: z.object({ limit: queryInt(z.number().int().min(1).max(100)).optional() }),
    status: 200,
    response: z.strictObject({ imports: z.array(importSchema) }),
    answers: "Your imports (default 20).",
    handle: async ({ caller, query }) => ({ imports: await caller.imports.list({ limit: query.limit }) }),
  }),
  operation({
    id: "getImport",
    method: "get",
    path: "/api/imports/{id}",
    tag: "imports",
    summary: "Read an import and its steps",
    params: importIdInput,
    status: 200,
    response: importSchema,
    answers: "The import: `running`, `succeeded`, `failed` (what it made was removed) or `rolled_back`, with each step.",
    handle: ({ caller, params }) => caller.imports.get(params),
  }),
  operation({
    id: "rollbackImport",
    method: "post",
    path: "/api/imports/{id}/rollback",
    tag: "imports",
    summary: "Roll an import back",
    description: "Deletes everything the import made (the app, its add-ons and their data, its domains). Confirm with the app's name.",
    params: importIdInput,
    body: importRollbackBody,
    bodyOptional: true,
    status: 202,
    response: importSchema,
    answers: "The import, rolled back.",
    errors: [409],
    handle: ({ caller, params, body }) => caller.imports.rollback({ ...params, ...body }),
  }),
];
