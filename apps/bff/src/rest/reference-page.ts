// The API reference as one server-rendered HTML page, made from the OpenAPI document: no script
// (the CSP allows none from elsewhere, and there is no CDN), operations grouped by tag.
type Json = Record<string, unknown>;
type Doc = Json & { info: Json; paths: Record<string, Record<string, Json>>; components?: { schemas?: Record<string, Json> } };

const esc = (text: unknown) =>
  String(text ?? "").replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch);
/** Descriptions use `code` spans; everything else is text. */
const prose = (text: unknown) => esc(text).replace(/`([^`]+)`/g, "<code>$1</code>");
const refName = (ref: string) => ref.split("/").pop() ?? ref;

/** A schema as a short type expression, objects as nested lists of their properties. */
function typeOf(schema: Json | undefined, depth = 0): string {
  if (!schema || Object.keys(schema).length === 0) return "any";
  if (typeof schema.$ref === "string") return `<a href="#schema-${esc(refName(schema.$ref))}">${esc(refName(schema.$ref))}</a>`;
  const union = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (union) return union.map((s) => typeOf(s, depth)).join(" | ");
  if (schema.allOf) return (schema.allOf as Json[]).map((s) => typeOf(s, depth)).join(" &amp; ");
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => `<code>${esc(JSON.stringify(v))}</code>`).join(" | ");
  const types = ([] as unknown[]).concat(schema.type ?? []).map(String);
  const nullable = types.includes("null") ? " | null" : "";
  const type = types.find((t) => t !== "null");
  if (type === "array") return `${typeOf(schema.items as Json, depth)}[]${nullable}`;
  if (type === "object" || schema.properties) {
    const props = Object.entries((schema.properties ?? {}) as Record<string, Json>);
    const extra = schema.additionalProperties;
    if (props.length === 0) {
      return extra && typeof extra === "object" ? `{ [key: string]: ${typeOf(extra as Json, depth)} }${nullable}` : `object${nullable}`;
    }
    const required = new Set((schema.required ?? []) as string[]);
    const rows = props.map(
      ([name, p]) =>
        `<li><code>${esc(name)}</code>${required.has(name) ? "" : "?"}: ${typeOf(p, depth + 1)}${p.description ? ` — ${prose(p.description)}` : ""}</li>`,
    );
    return `object${nullable}<ul>${rows.join("")}</ul>`;
  }
  const format = schema.format ? ` (${esc(schema.format)})` : "";
  return `${esc(type ?? "any")}${format}${nullable}`;
}

function parametersTable(parameters: Json[]) {
  if (!parameters.length) return "";
  const rows = parameters.map(
    (p) =>
      `<tr><td><code>${esc(p.name)}</code>${p.required ? "" : "?"}</td><td>${esc(p.in)}</td><td>${typeOf(p.schema as Json)}</td><td>${prose(p.description ?? (p.schema as Json)?.description)}</td></tr>`,
  );
  return `<h4>Parameters</h4><table><tr><th>Name</th><th>In</th><th>Type</th><th>About</th></tr>${rows.join("")}</table>`;
}

function contentList(content: Record<string, Json> | undefined) {
  return Object.entries(content ?? {})
    .map(([type, media]) => `<div class="media"><span class="type">${esc(type)}</span> ${typeOf(media.schema as Json)}</div>`)
    .join("");
}

function operationSection(method: string, path: string, op: Json) {
  const body = op.requestBody as Json | undefined;
  const responses = Object.entries((op.responses ?? {}) as Record<string, Json>).map(
    ([status, r]) =>
      `<div class="response"><b>${esc(status)}</b> ${prose(r.description)}${contentList(r.content as Record<string, Json>)}</div>`,
  );
  const open = Array.isArray(op.security) && op.security.length === 0;
  return `<section class="op" id="op-${esc(op.operationId)}">
<h3><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p>${prose(op.summary)}${open ? ' <span class="open">no authentication</span>' : ""}</p>
${op.description ? `<p>${prose(op.description)}</p>` : ""}
${parametersTable((op.parameters ?? []) as Json[])}
${body ? `<h4>Body${body.required ? "" : " (optional)"}</h4>${contentList(body.content as Record<string, Json>)}` : ""}
<h4>Responses</h4>${responses.join("")}
</section>`;
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24}main{max-width:960px;margin:0 auto;padding:1rem 2rem}
nav{columns:3;font-size:13px}nav a{display:block}h2{border-bottom:1px solid #d0d7de;margin-top:2.5rem}.op{border-top:1px solid #eaeef2;padding:.5rem 0}
.method{display:inline-block;min-width:4.5em;font-size:12px;text-align:center;border-radius:4px;color:#fff;background:#57606a}
.get{background:#0969da}.post{background:#1a7f37}.put,.patch{background:#9a6700}.delete{background:#cf222e}.open{font-size:12px;color:#57606a}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #d0d7de;padding:2px 6px;text-align:left;vertical-align:top}
ul{margin:.2rem 0 .2rem 1.2rem;padding:0}.type{font-family:monospace;color:#57606a}.media,.response{margin:.3rem 0}code{font-size:13px}`;

/** `document` is an OpenAPI 3.1 document, read here only as far as the page needs. */
export function renderReference(document: object): string {
  const doc = document as Doc;
  const byTag = new Map<string, string[]>();
  const nav = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = String((op.tags as string[] | undefined)?.[0] ?? "other");
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationSection(method, path, op)]);
      nav.set(tag, [...(nav.get(tag) ?? []), `<a href="#op-${esc(op.operationId)}">${esc(method.toUpperCase())} ${esc(path)}</a>`]);
    }
  }
  // Declared tags in their order, then any an operation uses without declaring it.
  const declared = ((doc.tags ?? []) as Json[]).filter((t) => byTag.has(String(t.name)));
  const tags = [
    ...declared,
    ...[...byTag.keys()].filter((name) => !declared.some((t) => t.name === name)).map((name) => ({ name }) as Json),
  ];
  const sections = tags.map(
    (t) => `<h2 id="tag-${esc(t.name)}">${esc(t.name)}</h2><p>${prose(t.description)}</p>${(byTag.get(String(t.name)) ?? []).join("")}`,
  );
  const schemas = Object.entries(doc.components?.schemas ?? {}).map(
    ([name, s]) =>
      `<section id="schema-${esc(name)}"><h3>${esc(name)}</h3>${s.description ? `<p>${prose(s.description)}</p>` : ""}${typeOf(s)}</section>`,
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)}</title><style>${STYLE}</style></head>
<body><main><h1>${esc(doc.info.title)}</h1><p>${prose(doc.info.description)}</p>
<p>The machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI ${esc(doc.openapi)}).</p>
<nav>${tags.map((t) => `<b><a href="#tag-${esc(t.name)}">${esc(t.name)}</a></b>${(nav.get(String(t.name)) ?? []).join("")}`).join("")}</nav>
${sections.join("\n")}<h2 id="schemas">Schemas</h2>${schemas.join("\n")}</main></body></html>`;
}
