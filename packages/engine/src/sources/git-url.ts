// What a user may hand us as a git remote and a ref. Checked before git ever sees them; git's
// own protocol allow-list (GIT_ALLOW_PROTOCOL) is the second line behind this one.
import { InvalidGitRefError, InvalidGitUrlError } from "./errors.ts";

export interface GitRemote {
  url: string;
  /** The URL with any user name or token replaced by ***, for messages and logs. */
  display: string;
  /** `user:token` as written in the URL, to scrub from git's own output. */
  secret: string | null;
  local: boolean;
}

const MAX_URL = 2048;
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is exactly what it looks for
const CONTROL = /[\u0000-\u001f\u007f]/;
const NETWORK_SCHEMES = new Set(["https:", "http:", "git:", "ssh:"]);
/** `user@host:path`, git's scp-like ssh syntax. */
const SCP_LIKE = /^(?:([A-Za-z0-9._~-]+)@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/;
/** `<transport>::<address>`: remote helpers such as ext:: and fd:: that run commands. */
const HELPER = /^[A-Za-z0-9+.-]+::/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$/;

export function checkGitUrl(url: string, allowLocal: boolean): GitRemote {
  const refuse = (reason: string): never => {
    throw new InvalidGitUrlError(url, reason);
  };
  if (typeof url !== "string" || url === "") refuse("it is empty");
  if (url.length > MAX_URL) refuse(`it is longer than ${MAX_URL} characters`);
  if (url.startsWith("-")) refuse('it starts with "-", which git would read as an option');
  if (CONTROL.test(url)) refuse("it contains control characters");
  if (HELPER.test(url)) refuse("remote helpers such as ext:: and fd:: are not allowed");

  if (url.startsWith("/")) {
    if (!allowLocal) refuse("paths on the platform's own disk are not allowed");
    return { url, display: url, secret: null, local: true };
  }

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme === "file") {
    if (!allowLocal) refuse("file:// URLs are not allowed");
    return { url, display: url, secret: null, local: true };
  }
  if (scheme !== undefined) {
    if (!NETWORK_SCHEMES.has(`${scheme}:`)) refuse("use an https://, http://, git:// or ssh:// URL");
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return refuse("it is not a well-formed URL");
    }
    if (!HOST.test(parsed.hostname)) refuse("its host name is not valid");
    if (parsed.username.startsWith("-")) refuse('its user name starts with "-"');
    const userinfo = /^[^:]+:\/\/([^@/]*)@/.exec(url)?.[1] ?? null;
    const display = userinfo === null ? url : url.replace(`${userinfo}@`, "***@");
    return { url, display, secret: userinfo, local: false };
  }

  const scp = SCP_LIKE.exec(url);
  if (scp) {
    const [, user, host] = scp;
    if (!host || !HOST.test(host)) refuse("its host name is not valid");
    if (user?.startsWith("-")) refuse('its user name starts with "-"');
    return { url, display: url, secret: null, local: false };
  }
  return refuse("use an https://, http://, git:// or ssh:// URL, or user@host:path");
}

/** Scrubs credentials from a line of git's output. */
export function redact(text: string, remote: GitRemote): string {
  return remote.secret ? text.split(remote.secret).join("***") : text;
}

const REF_CHARS = /^[A-Za-z0-9._/+-]+$/;

/** A branch, a tag or a (short) commit SHA, by git check-ref-format's rules and a strict character set. */
export function checkGitRef(ref: string): string {
  const refuse = (reason: string): never => {
    throw new InvalidGitRefError(ref, reason);
  };
  if (typeof ref !== "string" || ref === "") refuse("it is empty");
  if (ref.length > 255) refuse("it is longer than 255 characters");
  if (ref.startsWith("-")) refuse('it starts with "-", which git would read as an option');
  if (CONTROL.test(ref)) refuse("it contains control characters");
  if (!REF_CHARS.test(ref)) refuse("only letters, digits and . _ / + - are allowed");
  if (ref.startsWith("/") || ref.endsWith("/") || ref.includes("//")) refuse("it has an empty path segment");
  if (ref.includes("..")) refuse('it contains ".."');
  if (ref.endsWith(".")) refuse('it ends with "."');
  for (const segment of ref.split("/")) {
    if (segment.startsWith(".")) refuse('a segment starts with "."');
    if (segment.endsWith(".lock")) refuse('a segment ends with ".lock"');
  }
  return ref;
}

/** 7 to 64 hex digits: what may be a commit SHA (SHA-1 or SHA-256), full or short. */
export function looksLikeSha(ref: string): boolean {
  return /^[0-9a-fA-F]{7,64}$/.test(ref);
}
