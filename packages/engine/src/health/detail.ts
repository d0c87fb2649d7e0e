// Words for what went wrong in a probe, shared by its kinds.

export const timedOut = (timeoutMs: number) => `timed out after ${timeoutMs} ms`;

/** Words for a socket error, e.g. "connection refused". */
export function describeSocketError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ECONNRESET":
      return "connection reset";
    case "EHOSTUNREACH":
      return "host unreachable";
    case "ENETUNREACH":
      return "network unreachable";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `address not found (${err.message})`;
    default:
      return err.message;
  }
}

/** Text from the app or the user, safe to put in a detail: quoted, control characters escaped, cut. */
export function quoted(text: string, max = 100): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
