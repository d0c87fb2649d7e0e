// STAND-IN for Heroku's list paging, for tests: `Range: <field> [\]]<start>..[<end>]; order=asc|desc, max=N`
// picks a page; when more remain the answer is 206 with `Next-Range` to send back. A leading "]"
// makes the start exclusive, which is how Heroku writes its Next-Range.

export interface RangeRequest {
  field: string;
  start: string;
  exclusive: boolean;
  order: "asc" | "desc";
  max: number | null;
}

export interface Page<T> {
  items: T[];
  /** Next-Range to send back, null on the last page. */
  next: string | null;
  contentRange: string;
}

const RANGE = /^\s*([A-Za-z_]+)\s+(\]?)([^;]*?)\.\.([^;]*?)\s*(?:;\s*(.*))?$/;

/** The Range header read, or null when it is not one Heroku would take. */
export function parseRange(header: string): RangeRequest | null {
  const m = RANGE.exec(header);
  if (!m) return null;
  const range: RangeRequest = { field: m[1] ?? "", exclusive: m[2] === "]", start: (m[3] ?? "").trim(), order: "asc", max: null };
  for (const option of (m[5] ?? "").split(",")) {
    const [key, value] = option.split("=").map((s) => s.trim());
    if (!key) continue;
    if (key === "order" && (value === "asc" || value === "desc")) range.order = value;
    else if (key === "max" && value && /^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 1000) range.max = Number(value);
    else return null;
  }
  return range;
}

/** One page of `items` by the range; `null` when the field cannot be sorted on. */
export function pageOf<T extends Record<string, unknown>>(items: T[], range: RangeRequest, pageSize: number): Page<T> | null {
  const { field, order } = range;
  if (items.length > 0 && !items.every((i) => typeof i[field] === "string" || typeof i[field] === "number")) return null;
  const compare = (a: unknown, b: unknown) =>
    typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  const sign = order === "desc" ? -1 : 1;
  const sorted = [...items].sort((a, b) => sign * compare(a[field], b[field]));
  const startValue = (sample: unknown) => (typeof sample === "number" ? Number(range.start) : range.start);
  const after = sorted.filter((item) => {
    if (range.start === "") return true;
    const c = sign * compare(item[field], startValue(item[field]));
    return range.exclusive ? c > 0 : c >= 0;
  });
  const max = Math.min(range.max ?? pageSize, pageSize);
  const page = after.slice(0, max);
  const first = page[0]?.[field] ?? "";
  const last = page[page.length - 1]?.[field] ?? "";
  const next = after.length > max ? `${field} ]${String(last)}..; max=${max}, order=${order}` : null;
  return { items: page, next, contentRange: `${field} ${String(first)}..${String(last)}` };
}
