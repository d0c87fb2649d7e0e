// The document routes: the OpenAPI document itself and its readable reference page.
import { z } from "zod";
import { openApiDocument } from "./openapi.ts";
import { type Operation, operation } from "./operation.ts";
import { renderReference } from "./reference-page.ts";

/** `all` lists every operation, these two included; both answers are made once, on first use. */
export function documentOperations(all: () => Operation[]): Operation[] {
  let doc: ReturnType<typeof openApiDocument> | null = null;
  let page: string | null = null;
  const document = () => {
    doc ??= openApiDocument(all());
    return doc;
  };
  return [
    operation({
      id: "getOpenApiDocument",
      method: "get",
      path: "/api/openapi.json",
      tag: "meta",
      summary: "This API's OpenAPI 3.1 document",
      auth: "none",
      status: 200,
      answers: "The document.",
      alsoAnswers: {
        "application/json": z.looseObject({
          openapi: z.string(),
          info: z.looseObject({ title: z.string(), version: z.string() }),
          paths: z.record(z.string(), z.unknown()),
        }),
      },
      handle: async ({ c }) => c.json(document()),
    }),
    operation({
      id: "getApiReference",
      method: "get",
      path: "/api/docs",
      tag: "meta",
      summary: "This API's reference, as a page to read",
      auth: "none",
      status: 200,
      answers: "The reference page.",
      alsoAnswers: { "text/html": z.string() },
      handle: async ({ c }) => {
        page ??= renderReference(document());
        return c.html(page);
      },
    }),
  ];
}
