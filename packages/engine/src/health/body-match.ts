// `bodyMatch` is a substring, or a regular expression written `/pattern/flags`.

export type BodyMatcher = { kind: "substring"; text: string } | { kind: "regex"; regex: RegExp };

const REGEX_FORM = /^\/(.+)\/([a-z]*)$/s;

/** Throws SyntaxError when the `/…/` form does not compile. */
export function parseBodyMatch(bodyMatch: string): BodyMatcher {
  const form = REGEX_FORM.exec(bodyMatch);
  if (!form) return { kind: "substring", text: bodyMatch };
  return { kind: "regex", regex: new RegExp(form[1] ?? "", form[2]) };
}

export function bodyMatches(matcher: BodyMatcher, body: string): boolean {
  return matcher.kind === "substring" ? body.includes(matcher.text) : matcher.regex.test(body);
}
