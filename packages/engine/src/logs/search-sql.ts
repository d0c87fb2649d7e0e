// A parsed log search (query-language.ts) as SQL conditions on app_logs. Every value the user
// typed is a parameter; the SQL text is built only from this file's constants and `$n` numbers.
import type { SqlRunner } from "@skypanel/db";
import type { ParsedLogQuery } from "./query-language.ts";

/**
 * The indexed column (migration 0016: generated from the line, GIN-indexed): the line's words by
 * the `simple` configuration, with / . @ : < > read as spaces so a path, host, address or version
 * is several words.
 */
export const SEARCH_VECTOR = "search";
/** The same characters, turned into spaces on the query side (in JS: the result is a parameter). */
const SPLIT = /[/.@:<>]/g;
const asWords = (term: string) => term.replace(SPLIT, " ");
/** A term of letters and digits only is one word to PostgreSQL's parser, always with a lexeme. */
const PLAIN_WORD = /^[\p{L}\p{N}]+$/u;

/** Hands out `$n` for a value. */
export type Param = (value: unknown) => string;

/**
 * Which terms PostgreSQL's parser finds words in. `->` or `==` have none (and `&amp;` reads as
 * an entity, which `simple` does not index): an empty tsquery matches nothing and disappears
 * from `&&`, so such a term is matched as a substring instead. One small query, only when the
 * search holds a term that is not a plain word.
 */
async function termsWithWords(sql: SqlRunner, terms: string[]): Promise<Set<string>> {
  const unsure = [...new Set(terms.filter((t) => !PLAIN_WORD.test(t)))];
  const found = new Set(terms.filter((t) => PLAIN_WORD.test(t)));
  if (unsure.length === 0) return found;
  const rows = await sql.query<{ term: string; words: boolean }>(
    "SELECT t AS term, numnode(phraseto_tsquery('simple', translate(t, '/.@:<>', '      '))) > 0 AS words FROM unnest($1::text[]) AS t",
    [unsure],
  );
  for (const r of rows) if (r.words) found.add(r.term);
  return found;
}

/**
 * The WHERE conditions of a parsed search. How each term matches, and why it is exact:
 * - a plain word (letters and digits): the GIN index alone; PostgreSQL's word match is the
 *   meaning of a bare word (`500` finds `status=500`, not `15000`).
 * - a phrase, or a word holding other characters (`/api/users`, `don't`, `1.2.3`): the index
 *   finds lines with those words in that order (`phraseto_tsquery`, words joined by `<->`), then
 *   a case-insensitive substring test keeps only lines with the text itself. The index alone
 *   would over-match: it ignores punctuation and case between words, so `"connection refused"`
 *   would also find `connection; refused` and `"GET /a"` would find `get a`. The substring test
 *   (`strpos` on lower-cased text: no LIKE wildcards to escape) runs only on the rows the index
 *   left.
 * - exclusions: a plain word is `!!` inside the same tsquery; any other term excludes exactly the
 *   lines its positive form would find.
 * - a term PostgreSQL finds no word in (`->`): the substring test alone.
 */
export async function searchConditions(sql: SqlRunner, q: ParsedLogQuery, p: Param, now: Date): Promise<string[]> {
  const where: string[] = [];
  const withWords = await termsWithWords(sql, [...q.words, ...q.phrases, ...q.excludeWords, ...q.excludePhrases]);
  const tsquery: string[] = [];
  const contains = (term: string) => `strpos(lower(line), lower(${p(term)})) > 0`;
  const phrase = (term: string) => `phraseto_tsquery('simple', ${p(asWords(term))})`;

  for (const term of [...q.words, ...q.phrases]) {
    if (withWords.has(term)) tsquery.push(phrase(term));
    if (!withWords.has(term) || !PLAIN_WORD.test(term)) where.push(contains(term));
  }
  for (const term of q.excludeWords.filter((t) => PLAIN_WORD.test(t))) tsquery.push(`!!${phrase(term)}`);
  for (const term of [...q.excludeWords.filter((t) => !PLAIN_WORD.test(t)), ...q.excludePhrases]) {
    where.push(withWords.has(term) ? `NOT (${SEARCH_VECTOR} @@ ${phrase(term)} AND ${contains(term)})` : `NOT ${contains(term)}`);
  }
  if (tsquery.length) where.unshift(`${SEARCH_VECTOR} @@ (${tsquery.join(" && ")})`);

  if (q.levels.length) where.push(`level = ANY(${p(q.levels)}::text[])`);
  if (q.statuses.length) {
    where.push(`(${q.statuses.map((s) => `status BETWEEN ${p(s.from)}::int AND ${p(s.to)}::int`).join(" OR ")})`);
  }
  if (q.processType) where.push(`process_type = ${p(q.processType)}`);
  if (q.instancePrefix) {
    // A whole id compares as a uuid; a prefix (hex digits and dashes, checked by the parser, so no `%` or `_`) as text.
    where.push(
      q.instancePrefix.length === 36 ? `instance_id = ${p(q.instancePrefix)}::uuid` : `instance_id::text LIKE ${p(`${q.instancePrefix}%`)}`,
    );
  }
  if (q.sinceMs !== undefined) where.push(`logged_at >= ${p(new Date(now.getTime() - q.sinceMs).toISOString())}::timestamptz`);
  return where;
}
